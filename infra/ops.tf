# operations: alarms to an SNS topic (the map has no healthy target, the
# load balancer or quake-map answers 5xx, the instance fails its status
# checks (the system check recovers it in place: same volumes, same
# address), DynamoDB errors or throttles, no PutItem for 30 minutes while
# EMSC publishes ~13 events an hour), and AWS Backup of the table and the
# data volume, copied to a second vault when var.backup_copy_vault_arn.

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.main.id
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count     = var.alarm_email != "" ? 1 : 0
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]
  tg_dims = {
    LoadBalancer = aws_lb.map.arn_suffix
    TargetGroup  = aws_lb_target_group.map.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "map_unhealthy" {
  alarm_name          = "${var.name}-map-no-healthy-target"
  alarm_description   = "quake-map does not answer /healthz 200 behind the load balancer: the map is down"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  dimensions          = local.tg_dims
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "map_5xx" {
  alarm_name          = "${var.name}-map-5xx"
  alarm_description   = "the load balancer or quake-map answered more than 10 5xx in 5 minutes"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 10
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  metric_query {
    id          = "total"
    expression  = "FILL(elb, 0) + FILL(target, 0)"
    label       = "5xx"
    return_data = true
  }
  metric_query {
    id = "elb"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = { LoadBalancer = aws_lb.map.arn_suffix }
      stat        = "Sum"
      period      = 300
    }
  }
  metric_query {
    id = "target"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.tg_dims
      stat        = "Sum"
      period      = 300
    }
  }
}

# a failed system check (the host under the instance) recovers it onto new
# hardware with its volumes and address; a failed instance check reboots it
resource "aws_cloudwatch_metric_alarm" "ec2_system" {
  alarm_name          = "${var.name}-ec2-system-check"
  alarm_description   = "the instance's host failed its status check: recovering the instance"
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed_System"
  dimensions          = { InstanceId = aws_instance.pipeline.id }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  alarm_actions       = concat(local.alarm_actions, ["arn:aws:automate:${var.region}:ec2:recover"])
}

resource "aws_cloudwatch_metric_alarm" "ec2_instance" {
  alarm_name          = "${var.name}-ec2-instance-check"
  alarm_description   = "the instance failed its status check for 5 minutes: rebooting it"
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed_Instance"
  dimensions          = { InstanceId = aws_instance.pipeline.id }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  alarm_actions       = concat(local.alarm_actions, ["arn:aws:automate:${var.region}:ec2:reboot"])
}

resource "aws_cloudwatch_metric_alarm" "ddb_errors" {
  for_each = {
    system-errors = { metric = "SystemErrors", dims = { TableName = aws_dynamodb_table.events.name, Operation = "PutItem" } }
    throttles     = { metric = "ThrottledRequests", dims = { TableName = aws_dynamodb_table.events.name, Operation = "PutItem" } }
    user-errors   = { metric = "UserErrors", dims = {} }
  }
  alarm_name          = "${var.name}-ddb-${each.key}"
  alarm_description   = "DynamoDB ${each.value.metric} (the sink retries; a steady count means it is stuck or denied)"
  namespace           = "AWS/DynamoDB"
  metric_name         = each.value.metric
  dimensions          = each.value.dims
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

# EMSC publishes ~310 events a day: 30 minutes without one PutItem means
# the ingest or the sink has stopped
resource "aws_cloudwatch_metric_alarm" "no_putitem" {
  alarm_name          = "${var.name}-no-putitem-30min"
  alarm_description   = "no PutItem on the table for 30 minutes: quake-ingest or quake-sink is not moving"
  namespace           = "AWS/DynamoDB"
  metric_name         = "SuccessfulRequestLatency"
  dimensions          = { TableName = aws_dynamodb_table.events.name, Operation = "PutItem" }
  statistic           = "SampleCount"
  period              = 1800
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# ---- AWS Backup: the table and the data volume ----
resource "aws_backup_vault" "main" {
  name        = "${var.name}-backup"
  kms_key_arn = aws_kms_key.main.arn
}

resource "aws_backup_plan" "main" {
  name = "${var.name}-daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
    dynamic "copy_action" {
      for_each = var.backup_copy_vault_arn != "" ? [var.backup_copy_vault_arn] : []
      content {
        destination_vault_arn = copy_action.value
        lifecycle {
          delete_after = 35
        }
      }
    }
  }
}

resource "aws_iam_role" "backup" {
  name = "${var.name}-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "main" {
  name         = "${var.name}-data"
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [aws_dynamodb_table.events.arn, aws_ebs_volume.data.arn]
}
