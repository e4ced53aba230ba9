# the broker: the pipeline instance's single-node Kafka (var.broker =
# "instance", the cheap default: its data volume is the stream's only copy)
# or Amazon MSK (var.broker = "msk"): three brokers in three zones, IAM
# authentication only, TLS to clients and between brokers, replication 3
# with min ISR 2, at rest under the project's key, broker logs in
# CloudWatch. Each role may do on it only what its services do: the
# pipeline's write the event and samples topics and read the event topic
# (quake-sink, quake-alerts), the map's read the event topic.

resource "aws_security_group" "msk" {
  count       = local.msk ? 1 : 0
  name        = "${var.name}-msk"
  description = "quake MSK: IAM over TLS (9098) from the pipeline and the map instances only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "msk" {
  for_each                     = local.msk ? { pipeline = aws_security_group.pipeline.id, map = aws_security_group.map.id } : {}
  security_group_id            = aws_security_group.msk[0].id
  description                  = "MSK IAM listener from the ${each.key} instances"
  referenced_security_group_id = each.value
  from_port                    = 9098
  to_port                      = 9098
  ip_protocol                  = "tcp"
}

resource "aws_cloudwatch_log_group" "msk" {
  count             = local.msk ? 1 : 0
  name              = "/${var.name}/msk-brokers"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_msk_configuration" "main" {
  count          = local.msk ? 1 : 0
  name           = "${var.name}-kafka"
  kafka_versions = [var.msk_kafka_version]
  # the topics are made by the pipeline's user data (retention, compaction)
  server_properties = <<-PROPS
    auto.create.topics.enable=false
    default.replication.factor=3
    min.insync.replicas=2
    unclean.leader.election.enable=false
    num.partitions=4
  PROPS
}

resource "aws_msk_cluster" "main" {
  count                  = local.msk ? 1 : 0
  cluster_name           = var.name
  kafka_version          = var.msk_kafka_version
  number_of_broker_nodes = 3
  enhanced_monitoring    = "PER_BROKER"

  lifecycle {
    precondition {
      condition     = can(regex("^https://", var.msk_iam_jar_url)) && can(regex("^[0-9a-f]{64}$", var.msk_iam_jar_sha256))
      error_message = "With broker = \"msk\" set msk_iam_jar_url (HTTPS) and msk_iam_jar_sha256: the pipeline makes the topics with Kafka's CLI through MSK's IAM listener."
    }
  }

  broker_node_group_info {
    instance_type   = var.msk_instance_type
    client_subnets  = aws_subnet.private[*].id
    security_groups = [aws_security_group.msk[0].id]
    storage_info {
      ebs_storage_info {
        volume_size = var.msk_volume_gb
      }
    }
    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }

  client_authentication {
    unauthenticated = false
    sasl {
      iam   = true
      scram = false
    }
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = aws_kms_key.main.arn
    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.main[0].arn
    revision = aws_msk_configuration.main[0].latest_revision
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.msk[0].name
      }
    }
  }
}

locals {
  # arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID -> topic/NAME/UUID/TOPIC, group/NAME/UUID/GROUP
  msk_arn   = local.msk ? aws_msk_cluster.main[0].arn : ""
  msk_topic = replace(local.msk_arn, ":cluster/", ":topic/")
  msk_group = replace(local.msk_arn, ":cluster/", ":group/")
}

# the pipeline: quake-ingest writes the event topic, quake-shake-in the
# samples topic, quake-sink and quake-alerts read the event topic in their
# groups; the user data makes and configures both topics
resource "aws_iam_role_policy" "pipeline_kafka" {
  count = local.msk ? 1 : 0
  name  = "msk-pipeline"
  role  = aws_iam_role.pipeline.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Connect"
        Effect   = "Allow"
        Action   = ["kafka-cluster:Connect"]
        Resource = local.msk_arn
      },
      {
        Sid      = "IngestAndReceiverWriteTheirTopics"
        Effect   = "Allow"
        Action   = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
        Resource = ["${local.msk_topic}/${var.name}", "${local.msk_topic}/${var.name}-samples"]
      },
      {
        Sid      = "SinkAndAlertsReadTheEventTopic"
        Effect   = "Allow"
        Action   = ["kafka-cluster:ReadData"]
        Resource = "${local.msk_topic}/${var.name}"
      },
      {
        Sid      = "SinkAndAlertsGroups"
        Effect   = "Allow"
        Action   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
        Resource = ["${local.msk_group}/${var.name}-sink", "${local.msk_group}/${var.name}-alerts"]
      },
      {
        Sid    = "UserDataMakesTheTopics"
        Effect = "Allow"
        Action = ["kafka-cluster:CreateTopic", "kafka-cluster:AlterTopicDynamicConfiguration",
        "kafka-cluster:DescribeTopicDynamicConfiguration"]
        Resource = ["${local.msk_topic}/${var.name}", "${local.msk_topic}/${var.name}-samples"]
      }
    ]
  })
}
