output "table_name" {
  description = "The DynamoDB table the sink writes."
  value       = aws_dynamodb_table.events.name
}

output "table_arn" {
  description = "Its ARN (the only resource the instance may write)."
  value       = aws_dynamodb_table.events.arn
}

output "instance_id" {
  description = "The EC2 instance running Kafka, quake-ingest, quake-sink and quake-web (Session Manager: aws ssm start-session --target)."
  value       = aws_instance.pipeline.id
}

output "instance_private_ip" {
  description = "Its private address (no public address, no inbound rules)."
  value       = aws_instance.pipeline.private_ip
}

output "role_arn" {
  description = "The instance role: dynamodb:PutItem and DescribeTable on the table, Query on it and its index (through the VPC endpoint only), and Session Manager's core policy."
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
