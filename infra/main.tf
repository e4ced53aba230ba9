# quake on AWS: a VPC whose private subnet holds one EC2 instance running
# Apache Kafka and the three services (quake-ingest, quake-sink, quake-web:
# the live map behind the load balancer of web.tf), reaching the
# internet (EMSC) through a NAT gateway and DynamoDB through a gateway
# endpoint; the instance role may only PutItem and DescribeTable on the one
# table; IMDSv2 only, hop limit 1.

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:only the first two names (sorted) are used; a zone AWS adds later sorts after them and changes nothing
  state = "available"
}

data "aws_caller_identity" "current" {}

# Debian 12 (bookworm), the distribution the binaries are built on
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
  azs = slice(data.aws_availability_zones.available.names, 0, 2)
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
  count             = 2
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
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# DynamoDB traffic stays inside AWS's network, not through the NAT
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

# ---- flow logs (encrypted, retained) ----
resource "aws_kms_key" "main" {
  description         = "${var.name}: DynamoDB table and flow logs"
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
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

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

  # "last N hours" without a Scan: Query day = D AND time > T
  global_secondary_index {
    name            = "day-time-index"
    hash_key        = "day"
    range_key       = "time"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "ttl"
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
      kms_key_arn            = aws_kms_replica_key.replica[0].arn
    }
  }
}

resource "aws_kms_replica_key" "replica" {
  count           = var.replica_region != "" ? 1 : 0
  provider        = aws.replica
  primary_key_arn = aws_kms_key.main.arn
  description     = "${var.name}: replica table"
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

# the sink writes items and checks the table; nothing else
resource "aws_iam_role_policy" "pipeline" {
  name = "put-events"
  role = aws_iam_role.pipeline.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem", "dynamodb:DescribeTable"]
        Resource = aws_dynamodb_table.events.arn
      },
      {
        # the archive: quake-ddb-get and quake-map --archive Query by day
        Effect   = "Allow"
        Action   = ["dynamodb:Query"]
        Resource = [aws_dynamodb_table.events.arn, "${aws_dynamodb_table.events.arn}/index/day-time-index"]
      },
      {
        # the table is encrypted with our key
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
      }
    ]
  })
}

resource "aws_iam_instance_profile" "pipeline" {
  name = "${var.name}-pipeline"
  role = aws_iam_role.pipeline.name
}

# no inbound rule here: Kafka listens on loopback; the one way in is
# quake-map's port from the map's load balancer (web.tf)
resource "aws_security_group" "pipeline" {
  name        = "${var.name}-pipeline"
  description = "quake pipeline instance: in only quake-map from its ALB; HTTPS out (EMSC, DynamoDB, packages)"
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
}

resource "aws_instance" "pipeline" {
  ami                    = data.aws_ami.debian.id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.private[0].id
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
    artifact_url    = var.artifact_url
    artifact_sha256 = var.artifact_sha256
    kafka_version   = var.kafka_version
    map_port        = var.map_port
    name            = var.name
    region          = var.region
    ttl_days        = var.ttl_days
  })
  user_data_replace_on_change = true

  tags = { Name = "${var.name}-pipeline" }
}
