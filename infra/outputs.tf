output "table_name" {
  description = "The DynamoDB table the sink writes."
  value       = aws_dynamodb_table.events.name
}

output "table_arn" {
  description = "Its ARN (the only resource the instance may write)."
  value       = aws_dynamodb_table.events.arn
}

output "instance_id" {
  description = "The EC2 instance running Kafka, quake-ingest and quake-sink."
  value       = aws_instance.pipeline.id
}

output "instance_private_ip" {
  description = "Its private address (no public address, no inbound rules)."
  value       = aws_instance.pipeline.private_ip
}

output "role_arn" {
  description = "The instance role: dynamodb:PutItem and dynamodb:DescribeTable on the table, nothing else."
  value       = aws_iam_role.pipeline.arn
}

output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.main.id
}

output "map_url" {
  description = "The live map, through the load balancer (HTTPS when certificate_arn is set)."
  value       = "${local.https ? "https" : "http"}://${aws_lb.map.dns_name}/"
}

output "waf_web_acl_arn" {
  description = "The AWS WAF web ACL in front of the map (rate limit per address, known bad inputs)."
  value       = aws_wafv2_web_acl.map.arn
}
