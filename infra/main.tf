# quake on AWS: a VPC whose private subnets hold the pipeline instance
# (quake-ingest, quake-sink, quake-alerts, quake-shake-in, and Apache Kafka
# unless var.broker = "msk": msk.tf) and the map's Auto Scaling group
# (map.tf) behind the load balancer of web.tf, all installed from the quake
# Debian package by user data; Kafka's log and the services' state on a
# data volume that outlives the pipeline instance. It reaches the internet
# (EMSC) through a NAT gateway and DynamoDB through a gateway endpoint; the
# pipeline role may PutItem and DescribeTable the one table, the map's
# Query it, through that endpoint only; IMDSv2 only, hop limit 1; Session
# Manager is the way in. Secrets and the journal: secrets.tf. Alarms
# (ops.tf) go to an SNS topic; backups to a vault (ops.tf).

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:only the first two names (sorted) are used; a zone AWS adds later sorts after them and changes nothing
  state = "available"
}

data "aws_caller_identity" "current" {}

# Debian 12 (bookworm), the distribution the binaries are built on; read
# once: a newer image does not replace the instance (ignore_changes below)
data "aws_ami" "debian" {
  most_recent = true
  owners      = ["136693071363"]
  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }
  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

locals {
  msk = var.broker == "msk"
  # two zones; three for MSK's three brokers
  azs = slice(data.aws_availability_zones.available.names, 0, local.msk ? 3 : 2)
  # the pipeline instance's fixed address: the map's instances find the
  # instance broker there, and a replacement keeps it
  pipeline_ip = cidrhost(cidrsubnet(var.vpc_cidr, 8, 10), 10)
  brokers     = local.msk ? aws_msk_cluster.main[0].bootstrap_brokers_sasl_iam : "${local.pipeline_ip}:9092"
  # Kafka's clients with MSK: IAM (quake-produce(1), quake-consume(1))
  kafka_args = local.msk ? "-X sasl.mechanism=AWS_MSK_IAM" : ""
  ami        = var.ami_id != "" ? var.ami_id : data.aws_ami.debian.id
  # Kafka's distribution: a pinned SHA-512 (not the .sha512 beside it)
  kafka_url = "https://archive.apache.org/dist/kafka/${var.kafka_version}/kafka_2.13-${var.kafka_version}.tgz"
  # the SSM agent for Debian, from AWS's regional bucket
  ssm_agent_url = "https://s3.${var.region}.amazonaws.com/amazon-ssm-${var.region}/latest/debian_amd64/amazon-ssm-agent.deb"
  # the CloudWatch agent (the journal to CloudWatch Logs: secrets.tf)
  cw_agent_url = "https://amazoncloudwatch-agent-${var.region}.s3.${var.region}.amazonaws.com/debian/amd64/latest/amazon-cloudwatch-agent.deb"
  # the topic keeps the map's window and five days more
  retention_ms = (var.map_window_days + 5) * 86400000
}

# ---- network ----
resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

# nothing may use the default security group
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 0)
  availability_zone = local.azs[0]
  tags              = { Name = "${var.name}-public" }
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 10 + count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "${var.name}-private-${count.index}" }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  depends_on    = [aws_internet_gateway.main]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}

resource "aws_route_table_association" "private" {
  count          = length(local.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# DynamoDB traffic stays inside AWS's network, not through the NAT; the
# endpoint carries requests for the one table and its index, nothing else
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["dynamodb:PutItem", "dynamodb:DescribeTable", "dynamodb:Query"]
      Resource  = [aws_dynamodb_table.events.arn, "${aws_dynamodb_table.events.arn}/index/day-time-index", "${aws_dynamodb_table.events.arn}/index/sig-time-index"]
    }]
  })
}

# ---- flow logs (encrypted, retained) ----
resource "aws_kms_key" "main" {
  description         = "${var.name}: DynamoDB table, data volume, logs, alarms, secrets, MSK"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Account"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Logs"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
      },
      {
        # CloudWatch alarms publish to the encrypted SNS topic (ops.tf)
        Sid       = "Alarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      }
    ]
  })
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/${var.name}/vpc-flow"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_iam_role" "flow" {
  name = "${var.name}-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "flow" {
  name = "write-flow-logs"
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow.arn}:*"
    }]
  })
}

resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}

# ---- the table ----
resource "aws_dynamodb_table" "events" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  # the archive: neither a destroy nor a rename (var.name) may replace it
  lifecycle {
    prevent_destroy = true
  }

  attribute {
    name = "id"
    type = "S"
  }
  attribute {
    name = "day"
    type = "S"
  }
  attribute {
    name = "time"
    type = "S"
  }
  attribute {
    name = "sig"
    type = "S"
  }

  # "last N hours" without a Scan: Query day = D AND time > T
  global_secondary_index {
    name            = "day-time-index"
    hash_key        = "day"
    range_key       = "time"
    projection_type = "ALL"
  }

  # sparse: only M4.5+ items carry sig (YYYY-MM of time), so a year of
  # them is 12 Queries reading those alone, not 365 reading every item
  global_secondary_index {
    name            = "sig-time-index"
    hash_key        = "sig"
    range_key       = "time"
    projection_type = "ALL"
  }

  # a disabled TTL takes no attribute name
  ttl {
    attribute_name = var.ttl_days > 0 ? "ttl" : ""
    enabled        = var.ttl_days > 0
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }

  # a replica needs the table's stream
  stream_enabled   = var.replica_region != ""
  stream_view_type = var.replica_region != "" ? "NEW_AND_OLD_IMAGES" : null

  dynamic "replica" {
    for_each = var.replica_region != "" ? [var.replica_region] : []
    content {
      region_name            = replica.value
      point_in_time_recovery = true
      kms_key_arn            = aws_kms_key.replica[0].arn
    }
  }
}

# the replica's own key in its region (a table replica takes any key of its
# region; a replica *key* would need a multi-Region primary, and making the
# primary multi-Region replaces it)
resource "aws_kms_key" "replica" {
  count               = var.replica_region != "" ? 1 : 0
  provider            = aws.replica
  description         = "${var.name}: replica table"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Account"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# ---- the instance: role, security group, user data ----
resource "aws_iam_role" "pipeline" {
  name = "${var.name}-pipeline"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# quake-sink writes items and checks the table (the map's instances Query
# it: map.tf); only through the VPC's endpoint, the key only by way of
# DynamoDB. Kafka (MSK), Parameter Store and the logs: msk.tf, secrets.tf
resource "aws_iam_role_policy" "pipeline" {
  name = "sink-put-events"
  role = aws_iam_role.pipeline.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SinkWritesTheTable"
        Effect    = "Allow"
        Action    = ["dynamodb:PutItem", "dynamodb:DescribeTable"]
        Resource  = aws_dynamodb_table.events.arn
        Condition = { StringEquals = { "aws:SourceVpce" = aws_vpc_endpoint.dynamodb.id } }
      },
      {
        # the table is encrypted with our key
        Sid       = "TheTablesKeyViaDynamoDB"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = aws_kms_key.main.arn
        Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${var.region}.amazonaws.com" } }
      }
    ]
  })
}

# Session Manager: the way in (no SSH, no inbound rule), and Run Command
# for releases (README: Running it for real)
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.pipeline.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "pipeline" {
  name = "${var.name}-pipeline"
  role = aws_iam_role.pipeline.name
}

# no inline inbound rule: the phones' receiver from the load balancer
# (web.tf) and, with the instance broker, Kafka from the map's instances
# (below) are the ways in
resource "aws_security_group" "pipeline" {
  name        = "${var.name}-pipeline"
  description = "quake pipeline instance: in only the receiver from the ALB and Kafka from the map; HTTPS out"
  vpc_id      = aws_vpc.main.id

  egress {
    description = "HTTPS: EMSC WebSocket and FDSN, DynamoDB, Debian and Apache mirrors"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] #checkov:skip=CKV_AWS_382:EMSC and package mirrors have no fixed addresses; egress is HTTPS only
  }
  egress {
    description = "HTTP: Debian package mirrors (packages are signed)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  # MSK's IAM listener (TLS) inside the VPC
  dynamic "egress" {
    for_each = local.msk ? [1] : []
    content {
      description = "Amazon MSK, IAM over TLS"
      from_port   = 9098
      to_port     = 9098
      protocol    = "tcp"
      cidr_blocks = [var.vpc_cidr]
    }
  }
}

# the instance broker: the map's instances read the topic (plaintext inside
# the VPC, between two security groups; per-topic rights need MSK's IAM)
resource "aws_vpc_security_group_ingress_rule" "kafka_from_map" {
  count                        = local.msk ? 0 : 1
  security_group_id            = aws_security_group.pipeline.id
  description                  = "Kafka from the map's instances"
  referenced_security_group_id = aws_security_group.map.id
  from_port                    = 9092
  to_port                      = 9092
  ip_protocol                  = "tcp"
}

# Kafka's log and offsets, the emsc-tail checkpoint, quake-alert's journal:
# on a volume of their own, which a replaced instance finds again
resource "aws_ebs_volume" "data" {
  availability_zone = local.azs[0]
  size              = var.data_volume_gb
  type              = "gp3"
  encrypted         = true
  kms_key_id        = aws_kms_key.main.arn
  tags              = { Name = "${var.name}-data", Backup = var.name }
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.pipeline.id
}

resource "aws_instance" "pipeline" {
  ami                    = local.ami
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.private[0].id
  private_ip             = local.pipeline_ip
  vpc_security_group_ids = [aws_security_group.pipeline.id]
  iam_instance_profile   = aws_iam_instance_profile.pipeline.name
  ebs_optimized          = true
  monitoring             = true

  # IMDSv2 only; hop limit 1 keeps the credentials off anything forwarded
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_size = var.root_volume_gb
    volume_type = "gp3"
    encrypted   = true
  }

  user_data = templatefile("${path.module}/user-data.sh.tftpl", {
    artifact_url       = var.artifact_url
    artifact_sha256    = var.artifact_sha256
    kafka_url          = local.kafka_url
    kafka_sha512       = var.kafka_sha512
    ssm_agent_url      = local.ssm_agent_url
    kafka_heap         = var.kafka_heap
    kafka_memory_max   = var.kafka_memory_max
    kafka_host         = local.pipeline_ip
    kafka_args         = local.kafka_args
    msk_brokers        = local.msk ? local.brokers : ""
    msk_iam_jar_url    = var.msk_iam_jar_url
    msk_iam_jar_sha256 = var.msk_iam_jar_sha256
    data_volume_id     = aws_ebs_volume.data.id
    shake_port         = var.shake_port
    map_window         = "${var.map_window_days}d"
    retention_ms       = local.retention_ms
    name               = var.name
    region             = var.region
    ttl_days           = var.ttl_days
    cw_agent_url       = local.cw_agent_url
    cw_agent_config    = local.cw_agent_config
    param_prefix       = local.param_prefix
    secrets            = join(" ", local.secret_files)
    alert_files        = join(" ", local.alert_files)
  })
  # user data runs on the first boot only; a release is installed on the
  # running instance (Run Command), a new Debian image is taken on purpose
  # (var.ami_id): neither replaces the instance and its map
  user_data_replace_on_change = false
  lifecycle {
    ignore_changes = [ami, user_data]
  }

  tags = { Name = "${var.name}-pipeline" }
}
