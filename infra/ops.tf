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

# the single-metric alarms, one block: name => what, metric, statistic,
# periods, comparison, threshold, missing data, extra actions
locals {
  ddb_put = { TableName = aws_dynamodb_table.events.name, Operation = "PutItem" }
  pipe    = { InstanceId = aws_instance.pipeline.id }
  alarms = {
    # the map's target group: no instance answers /healthz 200
    map-no-healthy-target = {
      what   = "quake-map does not answer /healthz 200 behind the load balancer on any instance: the map is down"
      ns     = "AWS/ApplicationELB", metric = "HealthyHostCount", dims = local.tg_dims, stat = "Minimum"
      period = 60, periods = 3, op = "LessThanThreshold", threshold = 1, missing = "breaching", ok = true, extra = []
    }
    # the receiver: its one target is down
    shake-no-healthy-target = {
      what   = "quake-shake-in does not answer /healthz 200 behind the load balancer: phones' pushes fail"
      ns     = "AWS/ApplicationELB", metric = "HealthyHostCount", stat = "Minimum"
      dims   = { LoadBalancer = aws_lb.map.arn_suffix, TargetGroup = aws_lb_target_group.shake.arn_suffix }
      period = 60, periods = 3, op = "LessThanThreshold", threshold = 1, missing = "breaching", ok = true, extra = []
    }
    # a failed system check (the host under the instance) recovers it onto
    # new hardware with its volumes and address; a failed instance check
    # reboots it
    ec2-system-check = {
      what   = "the pipeline instance's host failed its status check: recovering the instance"
      ns     = "AWS/EC2", metric = "StatusCheckFailed_System", dims = local.pipe, stat = "Maximum"
      period = 60, periods = 2, op = "GreaterThanOrEqualToThreshold", threshold = 1, missing = "missing", ok = false
      extra  = ["arn:aws:automate:${var.region}:ec2:recover"]
    }
    ec2-instance-check = {
      what   = "the pipeline instance failed its status check for 5 minutes: rebooting it"
      ns     = "AWS/EC2", metric = "StatusCheckFailed_Instance", dims = local.pipe, stat = "Maximum"
      period = 60, periods = 5, op = "GreaterThanOrEqualToThreshold", threshold = 1, missing = "missing", ok = false
      extra  = ["arn:aws:automate:${var.region}:ec2:reboot"]
    }
    # the sink retries; a steady count means it is stuck or denied
    ddb-system-errors = {
      what   = "DynamoDB SystemErrors on PutItem (the sink retries; a steady count means it is stuck)"
      ns     = "AWS/DynamoDB", metric = "SystemErrors", dims = local.ddb_put, stat = "Sum"
      period = 300, periods = 2, op = "GreaterThanThreshold", threshold = 5, missing = "notBreaching", ok = false, extra = []
    }
    ddb-throttles = {
      what   = "DynamoDB ThrottledRequests on PutItem (the sink retries; a steady count means it is held back)"
      ns     = "AWS/DynamoDB", metric = "ThrottledRequests", dims = local.ddb_put, stat = "Sum"
      period = 300, periods = 2, op = "GreaterThanThreshold", threshold = 5, missing = "notBreaching", ok = false, extra = []
    }
    ddb-user-errors = {
      what   = "DynamoDB UserErrors in the account (denied or malformed requests: a policy or a release went wrong)"
      ns     = "AWS/DynamoDB", metric = "UserErrors", dims = {}, stat = "Sum"
      period = 300, periods = 2, op = "GreaterThanThreshold", threshold = 5, missing = "notBreaching", ok = false, extra = []
    }
    # EMSC publishes ~310 events a day: 30 minutes without one PutItem
    # means the ingest or the sink has stopped
    no-putitem-30min = {
      what   = "no PutItem on the table for 30 minutes: quake-ingest or quake-sink is not moving"
      ns     = "AWS/DynamoDB", metric = "SuccessfulRequestLatency", dims = local.ddb_put, stat = "SampleCount"
      period = 1800, periods = 1, op = "LessThanThreshold", threshold = 1, missing = "breaching", ok = true, extra = []
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each            = local.alarms
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.what
  namespace           = each.value.ns
  metric_name         = each.value.metric
  dimensions          = each.value.dims
  statistic           = each.value.stat
  period              = each.value.period
  evaluation_periods  = each.value.periods
  comparison_operator = each.value.op
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  alarm_actions       = concat(local.alarm_actions, each.value.extra)
  ok_actions          = each.value.ok ? local.alarm_actions : []
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
