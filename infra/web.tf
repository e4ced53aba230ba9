# the live map (quake-web on the instance): an Application Load Balancer in
# two public subnets forwards to quake-map's port; its security group is the
# only one the instance lets in, on that port alone. An AWS WAF web ACL in
# front blocks an address past var.waf_rate_limit requests per 5 minutes.
# HTTPS when var.certificate_arn names an ACM certificate (HTTP then
# redirects); plain HTTP otherwise.

locals {
  https = var.certificate_arn != ""
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
  description                  = "requests and health checks to quake-map on the instance"
  referenced_security_group_id = aws_security_group.pipeline.id
  from_port                    = var.map_port
  to_port                      = var.map_port
  ip_protocol                  = "tcp"
}

# the instance's only inbound rule: quake-map's port, from the ALB alone
resource "aws_vpc_security_group_ingress_rule" "map_from_alb" {
  security_group_id            = aws_security_group.pipeline.id
  description                  = "quake-map from the load balancer only"
  referenced_security_group_id = aws_security_group.alb.id
  from_port                    = var.map_port
  to_port                      = var.map_port
  ip_protocol                  = "tcp"
}

resource "aws_lb" "map" {
  #checkov:skip=CKV2_AWS_76:the Log4j signatures are in KnownBadInputs (rule 1); the check also wants AnonymousIpList, which would block readers of a public map behind VPNs and Tor
  #checkov:skip=CKV_AWS_91:the WAF web ACL logs every request (client address, URI, action) to CloudWatch; S3 access logs would repeat it
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

resource "aws_lb_target_group_attachment" "map" {
  target_group_arn = aws_lb_target_group.map.arn
  target_id        = aws_instance.pipeline.id
  port             = var.map_port
}

resource "aws_lb_listener" "https" {
  count             = local.https ? 1 : 0
  load_balancer_arn = aws_lb.map.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

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

# ---- AWS WAF: a rate limit per client address, known bad inputs ----
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
    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300
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

# WAF log groups must be named aws-waf-logs-*
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}-map"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_wafv2_web_acl_logging_configuration" "map" {
  resource_arn            = aws_wafv2_web_acl.map.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}
