variable "region" {
  description = "AWS region of the VPC, the instance and the table."
  type        = string
  default     = "eu-central-1"
}

variable "name" {
  description = "Name prefix of every resource; also the DynamoDB table name and the Kafka topic."
  type        = string
  default     = "quake"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC; split into public (NAT) and private (instance) subnets."
  type        = string
  default     = "10.42.0.0/16"
}

variable "instance_type" {
  description = "EC2 instance type for Kafka and both pipelines (Kafka wants >= 4 GiB)."
  type        = string
  default     = "t3.large"
}

variable "root_volume_gb" {
  description = "Size of the encrypted root volume (Kafka's log lives there)."
  type        = number
  default     = 30
}

variable "artifact_url" {
  description = "HTTPS URL of a tarball of `make install DESTDIR=dist PREFIX=/usr/local` (tar -C dist -czf quake.tar.gz .), fetched by the instance's user data."
  type        = string
}

variable "artifact_sha256" {
  description = "SHA-256 of that tarball; the user data refuses anything else."
  type        = string
}

variable "kafka_version" {
  description = "Apache Kafka release (4.0.1 or later) installed on the instance from archive.apache.org."
  type        = string
  default     = "4.1.1"
}

variable "ttl_days" {
  description = "Items expire this many days after the event's time (DynamoDB TTL on `ttl`); 0 keeps them forever."
  type        = number
  default     = 3650
}

variable "replica_region" {
  description = "Optional second region for a global-table replica; empty for none."
  type        = string
  default     = ""
}

variable "log_retention_days" {
  description = "Retention of the VPC flow log group."
  type        = number
  default     = 365
}

variable "map_port" {
  description = "Port quake-map listens on (on the instance's address); the load balancer forwards to it and health-checks /healthz."
  type        = number
  default     = 8080
}

variable "certificate_arn" {
  description = "Optional ACM certificate ARN for the map's HTTPS listener (port 443; HTTP then redirects); empty serves plain HTTP."
  type        = string
  default     = ""
}

variable "map_allowed_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach the map's load balancer (the map is public by default)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "waf_rate_limit" {
  description = "AWS WAF rate-based rule: requests per client address per 5 minutes before it is blocked."
  type        = number
  default     = 500
}
