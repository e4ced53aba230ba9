# the live map: an Auto Scaling group of at least two instances in two
# zones (launch template, IMDSv2 only, hop limit 1), each running quake-web
# alone from the package (map-user-data.sh.tftpl), registered in the map's
# target group (web.tf) and replaced when its /healthz fails there (ELB
# health check); a new launch template (release, AMI) rolls through them by
# instance refresh, half at a time. It is safe to stop any one: a client's
# SSE id is a vector of Kafka offsets, so the client resumes on another
# instance exactly where it was (docs/design.md, Positioned lines). The
# role only reads: its topic (MSK) and Query on the table and its index.

resource "aws_iam_role" "map" {
  name = "${var.name}-map"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "map" {
  name = "map-read"
  role = aws_iam_role.map.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        # the archive and the warm start: Query by day (and by month of the
        # sparse index for M4.5+), nothing else
        Sid       = "MapQueriesTheTable"
        Effect    = "Allow"
        Action    = ["dynamodb:Query"]
        Resource  = [aws_dynamodb_table.events.arn, "${aws_dynamodb_table.events.arn}/index/day-time-index", "${aws_dynamodb_table.events.arn}/index/sig-time-index"]
        Condition = { StringEquals = { "aws:SourceVpce" = aws_vpc_endpoint.dynamodb.id } }
      },
      {
        Sid       = "TheTablesKeyViaDynamoDB"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = aws_kms_key.main.arn
        Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${var.region}.amazonaws.com" } }
      }
      ], local.msk ? [
      {
        Sid      = "Connect"
        Effect   = "Allow"
        Action   = ["kafka-cluster:Connect"]
        Resource = local.msk_arn
      },
      {
        Sid      = "MapReadsTheEventTopic"
        Effect   = "Allow"
        Action   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
        Resource = "${local.msk_topic}/${var.name}"
      },
      {
        # quake-web's group is map-<host>: one per instance
        Sid      = "ItsOwnGroup"
        Effect   = "Allow"
        Action   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
        Resource = "${local.msk_group}/map-*"
      }
    ] : [])
  })
}

resource "aws_iam_role_policy_attachment" "map_ssm" {
  role       = aws_iam_role.map.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "map" {
  name = "${var.name}-map"
  role = aws_iam_role.map.name
}

# in: quake-map's port from the load balancer (web.tf); out: HTTPS
# (packages, SSM, DynamoDB's endpoint), HTTP (Debian's mirror), Kafka
resource "aws_security_group" "map" {
  name        = "${var.name}-map"
  description = "quake map instances: in only quake-map from its ALB; out HTTPS, HTTP, Kafka in the VPC"
  vpc_id      = aws_vpc.main.id

  egress {
    description = "HTTPS: DynamoDB's endpoint, SSM, CloudWatch, packages"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] #checkov:skip=CKV_AWS_382:AWS's service endpoints and package mirrors have no fixed addresses; egress is HTTPS only
  }
  egress {
    description = "HTTP: Debian package mirrors (packages are signed)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    description = "Kafka: the pipeline's broker (9092) or MSK's IAM listener (9098)"
    from_port   = local.msk ? 9098 : 9092
    to_port     = local.msk ? 9098 : 9092
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_vpc_security_group_ingress_rule" "map_from_alb" {
  security_group_id            = aws_security_group.map.id
  description                  = "quake-map from the load balancer only"
  referenced_security_group_id = aws_security_group.alb.id
  from_port                    = var.map_port
  to_port                      = var.map_port
  ip_protocol                  = "tcp"
}

resource "aws_launch_template" "map" {
  name_prefix            = "${var.name}-map-"
  image_id               = local.ami
  instance_type          = var.map_instance_type
  vpc_security_group_ids = [aws_security_group.map.id]
  ebs_optimized          = true
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.map.arn
  }

  # IMDSv2 only; hop limit 1 keeps the credentials off anything forwarded
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  monitoring {
    enabled = true
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.map_root_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  user_data = base64encode(templatefile("${path.module}/map-user-data.sh.tftpl", {
    artifact_url    = var.artifact_url
    artifact_sha256 = var.artifact_sha256
    ssm_agent_url   = local.ssm_agent_url
    cw_agent_url    = local.cw_agent_url
    cw_agent_config = local.cw_agent_config
    brokers         = local.brokers
    kafka_args      = local.kafka_args
    map_port        = var.map_port
    map_window      = "${var.map_window_days}d"
    name            = var.name
    region          = var.region
  }))

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-map" }
  }
}

resource "aws_autoscaling_group" "map" {
  name_prefix         = "${var.name}-map-"
  min_size            = var.map_min_size
  max_size            = var.map_max_size
  desired_capacity    = var.map_min_size
  vpc_zone_identifier = slice(aws_subnet.private[*].id, 0, 2)
  target_group_arns   = [aws_lb_target_group.map.arn]
  # an instance whose /healthz fails behind the load balancer is replaced
  health_check_type         = "ELB"
  health_check_grace_period = 600
  default_instance_warmup   = 300

  launch_template {
    id      = aws_launch_template.map.id
    version = aws_launch_template.map.latest_version
  }

  # a new launch template version rolls through the group, never below half
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
      instance_warmup        = 300
    }
  }

  tag {
    key                 = "Name"
    value               = "${var.name}-map"
    propagate_at_launch = true
  }
}
