# secrets and telemetry of the instances. The secrets (quake-alert's rules
# and the secret files they name, the phones' bearer token) are Parameter
# Store SecureStrings encrypted with the project's key, made here with a
# placeholder and set by the operator (README: Running it for real), never
# in user data or the Terraform state; the pipeline instance fetches them at
# every boot into /run/credstore (quake-credstore.service, before the
# services), and the units load them from there (LoadCredential=). The
# journal of every instance goes to CloudWatch Logs through the CloudWatch
# agent's journald receiver.

locals {
  param_prefix = "/${var.name}/"
  # quake-alerts' credentials: the rules and the files they name
  alert_files  = concat(["alert-rules.json"], var.alert_secret_files)
  secret_files = concat(local.alert_files, ["shake.token"])
  # the units whose journal is shipped (all of quake's, Kafka, the agents)
  cw_agent_config = jsonencode({
    agent = { run_as_user = "cwagent", region = var.region }
    logs = {
      logs_collected = {
        journald = {
          collect_list = [{
            units = ["kafka.service", "quake-ingest.service", "quake-sink.service", "quake-web.service",
              "quake-alerts.service", "quake-shake-in.service", "quake-credstore.service",
            "amazon-ssm-agent.service", "cloud-init.service", "cloud-final.service"]
            log_group_name  = aws_cloudwatch_log_group.journal.name
            log_stream_name = "{instance_id}"
          }]
        }
      }
    }
  })
}

resource "aws_ssm_parameter" "secret" {
  for_each    = toset(local.secret_files)
  name        = "${local.param_prefix}${each.key}"
  description = "quake: ${each.key}, loaded by the pipeline's units from /run/credstore (set with aws ssm put-parameter --overwrite)"
  type        = "SecureString"
  key_id      = aws_kms_key.main.arn
  value       = "unset"
  # the value is the operator's, put outside Terraform: never in the state
  lifecycle {
    ignore_changes = [value]
  }
}

# the pipeline instance reads exactly these parameters, and the key only
# through Parameter Store for exactly them (the encryption context names
# the parameter)
resource "aws_iam_role_policy" "pipeline_secrets" {
  name = "read-secrets"
  role = aws_iam_role.pipeline.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "TheServicesSecrets"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = [for p in aws_ssm_parameter.secret : p.arn]
      },
      {
        Sid      = "TheirKeyViaParameterStore"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = aws_kms_key.main.arn
        Condition = {
          StringEquals = {
            "kms:ViaService"                      = "ssm.${var.region}.amazonaws.com"
            "kms:EncryptionContext:PARAMETER_ARN" = [for p in aws_ssm_parameter.secret : p.arn]
          }
        }
      }
    ]
  })
}

# ---- the journal ----
resource "aws_cloudwatch_log_group" "journal" {
  name              = "/${var.name}/journal"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

# each instance role writes its own streams into that one group
resource "aws_iam_policy" "journal" {
  name        = "${var.name}-ship-journal"
  description = "The CloudWatch agent: the journal into ${aws_cloudwatch_log_group.journal.name}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "JournalToItsGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = ["${aws_cloudwatch_log_group.journal.arn}:*"]
    }]
  })
}

resource "aws_iam_role_policy_attachment" "journal" {
  for_each   = { pipeline = aws_iam_role.pipeline.name, map = aws_iam_role.map.name }
  role       = each.value
  policy_arn = aws_iam_policy.journal.arn
}
