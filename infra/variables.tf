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
  description = "EC2 instance type of the pipeline instance: Kafka (unless broker = \"msk\") and quake-ingest, quake-sink, quake-alerts, quake-shake-in (Kafka wants >= 4 GiB)."
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

variable "broker" {
  description = "Where Kafka runs: \"instance\" (the cheap default: a single node on the pipeline instance, its data volume the only copy) or \"msk\" (Amazon MSK: three brokers in three zones, IAM, TLS, replication 3, min ISR 2)."
  type        = string
  default     = "instance"
  validation {
    condition     = contains(["instance", "msk"], var.broker)
    error_message = "broker: \"instance\" or \"msk\"."
  }
}

variable "msk_instance_type" {
  description = "Broker instance type of the MSK cluster (broker = \"msk\")."
  type        = string
  default     = "kafka.t3.small"
}

variable "msk_kafka_version" {
  description = "Apache Kafka version of the MSK cluster."
  type        = string
  default     = "3.9.x"
}

variable "msk_volume_gb" {
  description = "EBS storage per MSK broker."
  type        = number
  default     = 100
}

variable "msk_iam_jar_url" {
  description = "With broker = \"msk\": HTTPS URL of AWS's aws-msk-iam-auth jar (the -all build) that Kafka's CLI on the pipeline instance uses to make the topics through the IAM listener."
  type        = string
  default     = ""
}

variable "msk_iam_jar_sha256" {
  description = "SHA-256 of that jar, pinned (the user data refuses anything else)."
  type        = string
  default     = ""
}

variable "map_instance_type" {
  description = "EC2 instance type of the map's instances (quake-web alone: 2 GiB is plenty)."
  type        = string
  default     = "t3.small"
}

variable "map_min_size" {
  description = "Instances of the map's Auto Scaling group at least (and desired): two or more, spread over two zones."
  type        = number
  default     = 2
  validation {
    condition     = var.map_min_size >= 2
    error_message = "map_min_size: at least 2 (one per zone)."
  }
}

variable "map_max_size" {
  description = "Instances of the map's Auto Scaling group at most."
  type        = number
  default     = 4
}

variable "map_root_volume_gb" {
  description = "Root volume of each map instance (the system and the journal; nothing is kept)."
  type        = number
  default     = 16
}

variable "shake_port" {
  description = "Port the phones' receiver (quake-shake-in) listens on at the pipeline instance; the load balancer forwards var.shake_host to it."
  type        = number
  default     = 8081
}

variable "shake_host" {
  description = "Host name of the phones' receiver behind the load balancer (HTTPS only; it must be in var.zone_id); empty: shake.<var.domain> when there is a domain, else no route to it."
  type        = string
  default     = ""
}

variable "alert_secret_files" {
  description = "The secret files quake-alert's rules name (beside alert-rules.json): each a Parameter Store SecureString /<name>/<file>, loaded as a credential of quake-alerts."
  type        = list(string)
  default     = ["alert-webhook.secret"]
}
