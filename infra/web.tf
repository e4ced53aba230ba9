# the live map (quake-web on the map's instances, map.tf): an Application
# Load Balancer in two public subnets forwards to quake-map's port; its
# security group is the only one the map's instances let in, on that port
# alone. The phones' receiver (quake-shake-in on the pipeline instance) is
# behind the same load balancer on its own host name, var.shake_host (or
# shake.<var.domain>), over HTTPS only. An AWS WAF web ACL in
# front blocks an address past var.waf_rate_limit API requests per 5
# minutes (static assets are not counted). HTTPS with HSTS on var.domain
# (an ACM certificate validated in its Route 53 zone, an alias record; HTTP
# redirects); plain HTTP on the load balancer's own name only when
# var.allow_plain_http says so. /metrics is not served to the internet.

locals {
  https = var.domain != ""
  # the receiver's host: only with HTTPS (phones send a bearer token)
  shake_host = var.shake_host != "" ? var.shake_host : (local.https ? "shake.${var.domain}" : "")
}

# ---- the name, its certificate ----
resource "aws_acm_certificate" "map" {
  count                     = local.https ? 1 : 0
  domain_name               = var.domain
  subject_alternative_names = local.shake_host != "" ? [local.shake_host] : []
  validation_method         = "DNS"
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "map_validation" {
  for_each = local.https ? {
    for o in aws_acm_certificate.map[0].domain_validation_options : o.domain_name => o
  } : {}
  zone_id = var.zone_id
  name    = each.value.resource_record_name
  type    = each.value.resource_record_type
  records = [each.value.resource_record_value]
  ttl     = 300
}

resource "aws_acm_certificate_validation" "map" {
  count                   = local.https ? 1 : 0
  certificate_arn         = aws_acm_certificate.map[0].arn
  validation_record_fqdns = [for r in aws_route53_record.map_validation : r.fqdn]
}

resource "aws_route53_record" "map" {
  for_each = local.https ? toset(compact([var.domain, local.shake_host])) : toset([])
  zone_id  = var.zone_id
  name     = each.key
  type     = "A"
  alias {
    name                   = aws_lb.map.dns_name
    zone_id                = aws_lb.map.zone_id
    evaluate_target_health = true
  }
}

# an ALB needs subnets in two zones; the first public subnet is main.tf's
resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 1)
  availability_zone = local.azs[1]
  tags              = { Name = "${var.name}-public-b" }
}

resource "aws_route_table_association" "public_b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "alb" {
  name        = "${var.name}-map-alb"
  description = "quake map load balancer: HTTP(S) in from the map's users, out to quake-map only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  count             = local.https ? length(var.map_allowed_cidrs) : 0
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from the map's users"
  cidr_ipv4         = var.map_allowed_cidrs[count.index]
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:the map is a public page; with a certificate port 80 only redirects to HTTPS
  count             = length(var.map_allowed_cidrs)
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from the map's users (a redirect to HTTPS when there is a certificate)"
  cidr_ipv4         = var.map_allowed_cidrs[count.index]
  from_port         = 80
  to_port           = 80
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_map" {
  security_group_id            = aws_security_group.alb.id
  description                  = "requests and health checks to quake-map on the map's instances"
  referenced_security_group_id = aws_security_group.map.id
  from_port                    = var.map_port
  to_port                      = var.map_port
  ip_protocol                  = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_shake" {
  security_group_id            = aws_security_group.alb.id
  description                  = "pushes and health checks to the phones' receiver on the pipeline instance"
  referenced_security_group_id = aws_security_group.pipeline.id
  from_port                    = var.shake_port
  to_port                      = var.shake_port
  ip_protocol                  = "tcp"
}

# the pipeline's inbound rule from the load balancer: the receiver's port
resource "aws_vpc_security_group_ingress_rule" "shake_from_alb" {
  security_group_id            = aws_security_group.pipeline.id
  description                  = "the phones' receiver from the load balancer only"
  referenced_security_group_id = aws_security_group.alb.id
  from_port                    = var.shake_port
  to_port                      = var.shake_port
  ip_protocol                  = "tcp"
}

resource "aws_lb" "map" {
  #checkov:skip=CKV2_AWS_76:the Log4j signatures are in KnownBadInputs (rule 1); the check also wants AnonymousIpList, which would block readers of a public map behind VPNs and Tor
  lifecycle {
    precondition {
      condition     = var.domain != "" || var.allow_plain_http
      error_message = "Set var.domain (and var.zone_id) for HTTPS, or var.allow_plain_http = true for plain HTTP on the load balancer's name."
    }
  }
  access_logs {
    bucket  = aws_s3_bucket.alb_logs.id
    enabled = true
  }
  name                       = "${var.name}-map"
  internal                   = false
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.alb.id]
  subnets                    = [aws_subnet.public.id, aws_subnet.public_b.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  # Server-Sent Events: quake-map sends a comment every 15 s, well inside this
  idle_timeout = 120
}

resource "aws_lb_target_group" "map" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the hop to quake-map stays inside the VPC, between two security groups
  name                 = "${var.name}-map"
  port                 = var.map_port
  protocol             = "HTTP"
  vpc_id               = aws_vpc.main.id
  target_type          = "instance"
  deregistration_delay = 30

  # 200 once quake-map has read its backlog (stdin's first idle), 503 before
  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# the map's instances register themselves (the Auto Scaling group, map.tf)

# the phones' receiver: quake-shake-in on the pipeline instance
resource "aws_lb_target_group" "shake" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the hop to the receiver stays inside the VPC, between two security groups
  name                 = "${var.name}-shake"
  port                 = var.shake_port
  protocol             = "HTTP"
  vpc_id               = aws_vpc.main.id
  target_type          = "instance"
  deregistration_delay = 30
  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_target_group_attachment" "shake" {
  target_group_arn = aws_lb_target_group.shake.arn
  target_id        = aws_instance.pipeline.id
  port             = var.shake_port
}

# HTTPS only: on the plain-HTTP listener the receiver's host is not routed
resource "aws_lb_listener_rule" "shake" {
  count        = local.shake_host != "" && local.https ? 1 : 0
  listener_arn = aws_lb_listener.https[0].arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.shake.arn
  }
  condition {
    host_header {
      values = [local.shake_host]
    }
  }
}

resource "aws_lb_listener" "https" {
  count             = local.https ? 1 : 0
  load_balancer_arn = aws_lb.map.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.map[0].certificate_arn
  # HSTS on every answer, the load balancer's own included
  routing_http_response_strict_transport_security_header_value = "max-age=31536000; includeSubDomains"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.map.arn
  }
}

resource "aws_lb_listener" "http" {
  #checkov:skip=CKV_AWS_2:with a certificate this listener only redirects to HTTPS; without one plain HTTP is the operator's choice
  #checkov:skip=CKV_AWS_103:TLS policy is set on the HTTPS listener; this one carries no TLS
  #checkov:skip=CKV2_AWS_20:it redirects to HTTPS whenever var.certificate_arn is set (checkov cannot evaluate the condition)
  load_balancer_arn = aws_lb.map.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = local.https ? "redirect" : "forward"
    target_group_arn = local.https ? null : aws_lb_target_group.map.arn

    dynamic "redirect" {
      for_each = local.https ? [1] : []
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }
}

# /metrics (quake-map's counters) is for the operator, through Session
# Manager: the load balancer answers 404 for it on either listener
resource "aws_lb_listener_rule" "no_metrics" {
  for_each     = local.https ? { https = aws_lb_listener.https[0].arn } : { http = aws_lb_listener.http.arn }
  listener_arn = each.value
  priority     = 1
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "not found"
      status_code  = "404"
    }
  }
  condition {
    path_pattern {
      values = ["/metrics", "/metrics/*"]
    }
  }
}

# ---- the load balancer's access logs: S3, encrypted, kept var.log_retention_days ----
data "aws_elb_service_account" "main" {}

resource "aws_s3_bucket" "alb_logs" {
  #checkov:skip=CKV_AWS_144:access logs are rebuilt traffic records, kept var.log_retention_days; a second region's copy is not worth its cost
  #checkov:skip=CKV_AWS_145:ALB access logs can only be written to a bucket with SSE-S3 (AES256), not a KMS key
  #checkov:skip=CKV_AWS_18:this is the log bucket; logging its own access would log the logs
  #checkov:skip=CKV2_AWS_62:nothing reacts to new access-log objects
  #checkov:skip=CKV_AWS_21:log objects are written once and expire; versions would keep the expired ones
  bucket_prefix = "${var.name}-alb-logs-"
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "alb_logs" {
  bucket                  = aws_s3_bucket.alb_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = var.log_retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_policy" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = data.aws_elb_service_account.main.arn }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.alb_logs.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.alb_logs.arn, "${aws_s3_bucket.alb_logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }
    ]
  })
}

# ---- AWS WAF: a rate limit per client address on the API, managed rules ----
resource "aws_wafv2_web_acl" "map" {
  name        = "${var.name}-map"
  description = "quake map: ${var.waf_rate_limit} requests per 5 minutes per address, known bad inputs"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-per-ip"
    priority = 0
    action {
      block {}
    }
    # only the API counts: during a big quake many readers share one
    # carrier NAT address, and each page load fetches a dozen static files
    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300
        scope_down_statement {
          regex_match_statement {
            regex_string = "^/(fdsnws|events|detections|summary)"
            field_to_match {
              uri_path {}
            }
            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-map-rate"
      sampled_requests_enabled   = true
    }
  }

  # includes the Log4j (CVE-2021-44228) signatures
  rule {
    name     = "known-bad-inputs"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-map-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  # AWS's IP reputation and common rule groups, counting only: watch what
  # they would block (the WAF log, the metrics) before they block it
  rule {
    name     = "ip-reputation"
    priority = 2
    override_action {
      count {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesAmazonIpReputationList"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-map-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "common"
    priority = 3
    override_action {
      count {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-map-common"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-map"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "map" {
  resource_arn = aws_lb.map.arn
  web_acl_arn  = aws_wafv2_web_acl.map.arn
}

# WAF log groups must be named aws-waf-logs-*; requests are personal data
# (addresses, headers): 90 days, cookies and authorization redacted
resource "aws_cloudwatch_log_group" "waf" {
  #checkov:skip=CKV_AWS_338:WAF request logs hold client addresses and headers; 90 days answers abuse questions without keeping personal data a year
  name              = "aws-waf-logs-${var.name}-map"
  retention_in_days = 90
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_wafv2_web_acl_logging_configuration" "map" {
  resource_arn            = aws_wafv2_web_acl.map.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
  redacted_fields {
    single_header {
      name = "cookie"
    }
  }
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}
