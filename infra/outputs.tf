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
