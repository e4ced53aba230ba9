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
  description = "Size of the encrypted root volume (the system, the journal; Kafka's log is on the data volume)."
  type        = number
  default     = 30
}

variable "ami_id" {
  description = "Debian 12 AMI of the instance; empty: the newest of Debian's own at the first apply (a newer one later does not replace the instance: set this to move on)."
  type        = string
  default     = ""
}

variable "artifact_url" {
  description = "HTTPS URL of the quake Debian package (`make deb`: build/quake_VERSION_amd64.deb) the user data installs on the first boot; later releases go on by Run Command (README)."
  type        = string
}

variable "artifact_sha256" {
  description = "SHA-256 of that package; the user data refuses anything else."
  type        = string
}

variable "kafka_version" {
  description = "Apache Kafka release (4.0.1 or later) installed on the instance from archive.apache.org."
  type        = string
  default     = "4.1.1"
}

variable "kafka_sha512" {
  description = "SHA-512 of kafka_2.13-<kafka_version>.tgz, taken from the release's .sha512 once its signature checked out against Apache's KEYS; pinned here because a checksum fetched beside the tarball proves nothing."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{128}$", var.kafka_sha512))
    error_message = "kafka_sha512: 128 lower-case hex digits."
  }
}

variable "kafka_heap" {
  description = "Kafka's JVM heap (-Xms and -Xmx)."
  type        = string
  default     = "1g"
}

variable "kafka_memory_max" {
  description = "systemd MemoryMax of the Kafka unit (heap, metaspace, direct buffers; the page cache is the kernel's)."
  type        = string
  default     = "2G"
}

variable "data_volume_gb" {
  description = "Size of the encrypted data volume (Kafka's log, the services' state) that outlives the instance."
  type        = number
  default     = 20
}

variable "map_window_days" {
  description = "Days of events the map shows; the topic keeps five more (retention, compacted by event id) and a first start back-fills this many."
  type        = number
  default     = 30
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
  description = "Retention of the VPC flow log group and the load balancer's access logs."
  type        = number
  default     = 365
}

variable "map_port" {
  description = "Port quake-map listens on (on the instance's address); the load balancer forwards to it and health-checks /healthz."
  type        = number
  default     = 8080
}

variable "domain" {
  description = "The map's host name (e.g. quake.example.org) in the Route 53 zone var.zone_id: an ACM certificate validated by DNS, an alias record, HTTPS with HSTS (HTTP redirects). Empty: see allow_plain_http."
  type        = string
  default     = ""
}

variable "zone_id" {
  description = "Route 53 hosted zone holding var.domain."
  type        = string
  default     = ""
}

variable "allow_plain_http" {
  description = "Without a domain, serve the map over plain HTTP on the load balancer's own name; false (the default) refuses to plan without var.domain."
  type        = bool
  default     = false
}

variable "alarm_email" {
  description = "Optional address subscribed to the alarms' SNS topic (it must confirm); empty: subscribe yourself."
  type        = string
  default     = ""
}

variable "backup_copy_vault_arn" {
  description = "Optional AWS Backup vault in another region or account that every recovery point is copied to; empty: the local vault only."
  type        = string
  default     = ""
}

variable "map_allowed_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach the map's load balancer (the map is public by default)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "waf_rate_limit" {
  description = "AWS WAF rate-based rule: requests to the API paths (/fdsnws, /events, /detections) per client address per 5 minutes before it is blocked; static assets are not counted."
  type        = number
  default     = 500
}
