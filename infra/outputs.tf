output "table_name" {
  description = "The DynamoDB table the sink writes."
  value       = aws_dynamodb_table.events.name
}

output "table_arn" {
  description = "Its ARN (the only resource the instance may write)."
  value       = aws_dynamodb_table.events.arn
}

output "instance_id" {
  description = "The pipeline instance: Kafka (unless MSK), quake-ingest, quake-sink, quake-alerts, quake-shake-in (Session Manager: aws ssm start-session --target)."
  value       = aws_instance.pipeline.id
}

output "instance_private_ip" {
  description = "Its fixed private address (the map finds the instance broker there; no public address; in only the receiver from the ALB and Kafka from the map)."
  value       = aws_instance.pipeline.private_ip
}

output "role_arn" {
  description = "The pipeline's role: dynamodb:PutItem and DescribeTable on the table (through the VPC endpoint only), its secrets' parameters, its topics on MSK, the journal's log group, Session Manager's core policy."
  value       = aws_iam_role.pipeline.arn
}

output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.main.id
}

output "map_url" {
  description = "The live map: https://<var.domain>/, or the load balancer's own name over plain HTTP when var.allow_plain_http."
  value       = local.https ? "https://${var.domain}/" : "http://${aws_lb.map.dns_name}/"
}

output "data_volume_id" {
  description = "The data volume (Kafka's log, the services' state) that a replaced instance mounts again."
  value       = aws_ebs_volume.data.id
}

output "alarm_topic_arn" {
  description = "The SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "waf_web_acl_arn" {
  description = "The AWS WAF web ACL in front of the map (rate limit per address, known bad inputs)."
  value       = aws_wafv2_web_acl.map.arn
}

output "map_role_arn" {
  description = "The map instances' role: dynamodb:Query on the table, its day-time-index and its sparse sig-time-index (through the VPC endpoint only), reading the event topic on MSK, the journal's log group, Session Manager."
  value       = aws_iam_role.map.arn
}

output "map_asg_name" {
  description = "The map's Auto Scaling group (aws autoscaling start-instance-refresh after a release)."
  value       = aws_autoscaling_group.map.name
}

output "shake_url" {
  description = "The phones' receiver (Sensor Logger's push URL), or empty without HTTPS."
  value       = local.shake_host != "" && local.https ? "https://${local.shake_host}/" : ""
}

output "kafka_bootstrap" {
  description = "Kafka's bootstrap servers: the pipeline instance's broker, or MSK's IAM listeners."
  value       = local.brokers
}

output "secret_parameters" {
  description = "The Parameter Store names to set (aws ssm put-parameter --type SecureString --key-id <the key> --overwrite)."
  value       = [for p in aws_ssm_parameter.secret : p.name]
}

output "journal_log_group" {
  description = "The CloudWatch Logs group every instance's journal goes to (a stream per instance id)."
  value       = aws_cloudwatch_log_group.journal.name
}
