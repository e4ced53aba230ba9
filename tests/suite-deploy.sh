# suite-deploy — what ships around the binaries, checked without Docker or
# AWS (`make check`; these need docker-compose, checkov, python-hcl2,
# systemd-analyze, lintian, debootstrap and systemd-nspawn, which `make
# test` does not): compose.yaml, infra/ (the HCL parsed and its promises
# asserted, checkov with every failed check fixed or justified, terraform
# fmt and validate with the provider on the machine, the templates rendered
# by terraform console), `make install`, the systemd units, `make deb` and lintian, and the
# boot test: the package and the AWS user data on a Debian 12 booted here
# (tests/boot-debian.sh). Every deploy_* function is a case. Sourced by
# tests/run.

VENV=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-deploy

deploy_compose() {
	local out
	if ! command -v docker-compose >/dev/null; then
		fail "compose" "docker-compose is not installed (scripts/install-deps)"; return
	fi
	docker-compose -f compose.yaml config -q 2>"$TMP/compose.err"
	check "compose.yaml: docker-compose config passes$(head -c 200 "$TMP/compose.err")" test $? -eq 0
	out=$(docker-compose -f compose.yaml --profile observability config --services 2>/dev/null | sort | tr '\n' ' ')
	check "compose.yaml: services and the observability profile ($out)" \
		test "$out" = "alerts detections-init dynamodb dynamodb-init grafana ingest kafka kafka-init loki map promtail shake-coincide shake-detect shake-in shake-init shake-token-init shake-triggers-init sink "
	out=$(docker-compose -f compose.yaml config 2>/dev/null | python3 -c '
import sys, yaml
m = yaml.safe_load(sys.stdin)["services"]["map"]
p = m["ports"][0]
print(m["command"] == ["quake-web"], (p.get("host_ip"), str(p.get("published"))) == ("127.0.0.1", "8080")
      if isinstance(p, dict) else str(p).split("/")[0] == "127.0.0.1:8080:8080")' 2>&1)
	check "compose.yaml: the map service runs quake-web on 127.0.0.1:8080 ($out)" test "$out" = "True True"
	check "compose.yaml: Kafka 4.x image in KRaft mode" grep -q 'image: apache/kafka:4\..*' compose.yaml
	# every file compose reads is in the repository or made by a service:
	# shake-in's token by shake-token-init, into a volume shake-in reads
	out=$(docker-compose -f compose.yaml config 2>/dev/null | python3 -c '
import sys, yaml
c = yaml.safe_load(sys.stdin)
s = c["services"]
tok = s["shake-in"]["environment"]["QUAKE_SHAKE_TOKEN_FILE"]
init = s["shake-token-init"]
def mounts(svc):
    m = {}
    for v in svc.get("volumes", []):
        src, dst = (v.get("source"), v["target"]) if isinstance(v, dict) else v.split(":")[:2]
        m[dst] = src
    return m
d = tok.rsplit("/", 1)[0]
print(not c.get("secrets"), mounts(s["shake-in"]).get(d) == mounts(init).get(d) != None,
      s["shake-in"]["depends_on"]["shake-token-init"]["condition"] == "service_completed_successfully",
      tok in " ".join(init["command"]))' 2>&1)
	check "compose.yaml: shake-in's token made by shake-token-init into a shared volume, no secret file to place ($out)" \
		test "$out" = "True True True True"
	out=$(python3 -c '
import json, sys
d = json.load(open("scripts/observability/grafana/dashboards/quake.json"))
t = " ".join(p["title"].lower() for p in d["panels"])
print(all(w in t for w in ("per minute", "rejected", "retries", "reconnects")))')
	check "grafana dashboard: events per minute, rejects, retries, reconnects" test "$out" = True
}

deploy_infra() {
	local out
	if [ ! -x "$VENV/bin/checkov" ]; then
		fail "infra" "checkov is not installed in $VENV (scripts/install-deps)"; return
	fi
	out=$("$VENV/bin/python" - <<'PY' 2>&1
import glob, hcl2, json, re
def u(v):
    """an attribute's value (python-hcl2 wraps some in one-element lists)"""
    while isinstance(v, list) and len(v) == 1 and not isinstance(v[0], dict):
        v = v[0]
    return v
def blk(v):
    """a nested block's body"""
    return v[0] if isinstance(v, list) else v
tf = {}
for f in sorted(glob.glob("infra/*.tf")):
    for k, v in hcl2.load(open(f)).items():
        tf.setdefault(k, []).extend(v)
res = {}
for block in tf["resource"]:
    for typ, named in block.items():
        for name, body in named.items():
            res[typ + "." + name] = body
bad = []
inst = res["aws_instance.pipeline"]
md = blk(inst["metadata_options"])
if u(md["http_tokens"]) != "required" or u(md["http_put_response_hop_limit"]) != 1:
    bad.append("IMDSv2 not required or hop limit not 1")
# least privilege per role: the pipeline's (quake-sink) writes the table,
# the map's Queries it; each DynamoDB grant only through the VPC endpoint,
# the key only via DynamoDB
pol = str(u(res["aws_iam_role_policy.pipeline"]["policy"]))
ep = str(u(res["aws_vpc_endpoint.dynamodb"].get("policy")))
acts = sorted(re.findall(r"dynamodb:[A-Za-z*]+", pol))
if acts != ["dynamodb:DescribeTable", "dynamodb:PutItem"]:
    bad.append("pipeline role allows %s" % acts)
if pol.count("aws:SourceVpce") != 1 or "kms:ViaService" not in pol:
    bad.append("pipeline role grants lack aws:SourceVpce / kms:ViaService")
mpol = str(u(res["aws_iam_role_policy.map"]["policy"]))
if sorted(re.findall(r"dynamodb:[A-Za-z*]+", mpol)) != ["dynamodb:Query"] or "aws:SourceVpce" not in mpol or \
        "kms:ViaService" not in mpol or "GenerateDataKey" in mpol:
    bad.append("map role is not Query only (through the endpoint, the key via DynamoDB)")
if sorted(set(re.findall(r"/index/[A-Za-z0-9*_.-]+", mpol))) != ["/index/day-time-index", "/index/sig-time-index"]:
    bad.append("Query is not limited to the table and its day-time-index and sig-time-index")
# on MSK: the map only reads its topic, the pipeline writes its topics
kp = str(u(res["aws_iam_role_policy.pipeline_kafka"]["policy"]))
if "kafka-cluster:WriteData" in mpol or "kafka-cluster:ReadData" not in mpol or "kafka-cluster:*" in mpol + kp or \
        "kafka-cluster:WriteData" not in kp or "CreateTopic" in mpol:
    bad.append("MSK grants: the map must only read, the pipeline write its topics")
if sorted(set(re.findall(r"/index/[A-Za-z0-9*_.-]+", ep))) != ["/index/day-time-index", "/index/sig-time-index"]:
    bad.append("the endpoint's policy does not name exactly the two indexes")
if "aws_dynamodb_table.events.arn" not in ep or "dynamodb:*" in ep:
    bad.append("the DynamoDB endpoint has no policy naming the table")
if "AmazonSSMManagedInstanceCore" not in str(res.get("aws_iam_role_policy_attachment.ssm")) or \
        "AmazonSSMManagedInstanceCore" not in str(res.get("aws_iam_role_policy_attachment.map_ssm")):
    bad.append("no Session Manager policy on an instance role")
# survives a replacement: no replacement by a new AMI or release, state on a kept volume
if u(inst.get("user_data_replace_on_change")) is not False or \
        sorted(u(blk(inst["lifecycle"])["ignore_changes"])) != ["${ami}", "${user_data}"] and \
        sorted(u(blk(inst["lifecycle"])["ignore_changes"])) != ["ami", "user_data"]:
    bad.append("a new AMI or release replaces the instance")
vol = res.get("aws_ebs_volume.data", {})
if u(blk(vol.get("lifecycle", [{}])).get("prevent_destroy")) is not True or u(vol.get("encrypted")) is not True:
    bad.append("no encrypted, kept data volume")
td = str(u(inst["user_data"]))
tmpl = open("infra/user-data.sh.tftpl").read()
used = set(re.findall(r"(?<!\$)\$\{\s*(?:replace\()?([a-z_0-9]+)", tmpl)) | set(re.findall(r"%\{ if ([a-z_0-9]+)", tmpl))
given = set(re.findall(r"'([a-z_0-9]+)':", td))
if used - given:
    bad.append("the template uses %s, not given by templatefile()" % sorted(used - given))
for need in ("LOG_DIR=/var/log/kafka", "sha512sum -c", "amazon-ssm-agent", "apt-get", "--retry", "cleanup.policy=[compact,delete]",
             "retention.ms=${retention_ms}", "--since ${map_window}", "meta.properties"):
    if need not in tmpl:
        bad.append("user data lacks %r" % need)
if re.search(r"tar -x[a-z]* [^|]*-C /\s", tmpl) or ".sha512\"" in tmpl:
    bad.append("user data untars into / or fetches Kafka's checksum beside it")
for k, v in res.items():
    if k.startswith("aws_security_group.") and v.get("ingress"):
        bad.append("%s has inbound rules" % k)
t = res["aws_dynamodb_table.events"]
if u(t["billing_mode"]) != "PAY_PER_REQUEST" or u(t["hash_key"]) != "id":
    bad.append("table not on-demand with key id")
gsis = t["global_secondary_index"] if isinstance(t["global_secondary_index"], list) else [t["global_secondary_index"]]
keys = sorted((u(g["name"]), u(g["hash_key"]), u(g["range_key"]), u(g["projection_type"])) for g in gsis)
if keys != [("day-time-index", "day", "time", "ALL"), ("sig-time-index", "sig", "time", "ALL")]:
    bad.append("not the day/time and the sparse sig/time indexes: %s" % keys)
if sorted(u(a["name"]) for a in t["attribute"]) != ["day", "id", "sig", "time"]:
    bad.append("the table's attributes are not id, day, time, sig")
if "ttl" not in str(u(blk(t["ttl"])["attribute_name"])) or u(blk(t["point_in_time_recovery"])["enabled"]) is not True:
    bad.append("ttl or PITR missing")
if u(t.get("deletion_protection_enabled")) is not True or u(blk(t.get("lifecycle", [{}])).get("prevent_destroy")) is not True:
    bad.append("the table can be deleted (deletion protection, prevent_destroy)")
if "aws_kms_replica_key.replica" in res:
    bad.append("a replica key needs a multi-Region primary")
sel = str(u(res.get("aws_backup_selection.main", {}).get("resources")))
if "aws_dynamodb_table.events.arn" not in sel or "aws_ebs_volume.data.arn" not in sel or \
        "copy_action" not in str(res.get("aws_backup_plan.main")):
    bad.append("no AWS Backup of the table and the data volume (with an optional copy)")
alarms = {k: v for k, v in res.items() if k.startswith("aws_cloudwatch_metric_alarm.")}
names = " ".join(str(v) for v in alarms.values()) + str([v.get("alarms") for v in tf["locals"]])
for m in ("HealthyHostCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "StatusCheckFailed_System",
          "SystemErrors", "ThrottledRequests", "SuccessfulRequestLatency"):
    if m not in names:
        bad.append("no alarm on %s" % m)
if any("aws_sns_topic.alarms.arn" not in str(v.get("alarm_actions")) and "local.alarm_actions" not in str(v.get("alarm_actions"))
       for v in alarms.values()):
    bad.append("an alarm notifies nobody")
if not any(v for v in tf["variable"] if "replica_region" in v):
    bad.append("no replica_region variable")
for v in tf["variable"] + tf["output"]:
    for name, body in v.items():
        if not u(body.get("description")):
            bad.append("%s has no description" % name)
# the ways in: the map's instances only quake-map's port from the ALB; the
# pipeline only the receiver's port from the ALB and (instance broker)
# Kafka from the map's instances
var = {k: u(b.get("default")) for v in tf["variable"] for k, b in v.items()}
def inbound(sg):
    return sorted((u(v.get("referenced_security_group_id")), str(u(v["from_port"])))
                  for k, v in res.items() if k.startswith(("aws_vpc_security_group_ingress_rule.", "aws_security_group_rule."))
                  and "aws_security_group.%s." % sg in str(u(v.get("security_group_id"))))
if inbound("map") != [("${aws_security_group.alb.id}", "${var.map_port}")]:
    bad.append("map instances' inbound is not only the map port from the ALB: %s" % inbound("map"))
if inbound("pipeline") != [("${aws_security_group.alb.id}", "${var.shake_port}"), ("${aws_security_group.map.id}", "9092")]:
    bad.append("pipeline inbound is not only the receiver from the ALB and Kafka from the map: %s" % inbound("pipeline"))
lb = res["aws_lb.map"]
if u(lb["load_balancer_type"]) != "application" or u(lb["internal"]) is not False or \
        sorted(u(lb["subnets"])) != ["${aws_subnet.public.id}", "${aws_subnet.public_b.id}"]:
    bad.append("the map's ALB is not internet-facing in the two public subnets")
tg = res["aws_lb_target_group.map"]
if u(blk(tg["health_check"])["path"]) != "/healthz" or u(tg["port"]) != "${var.map_port}" or var.get("map_port") != 8080:
    bad.append("target group not quake-map's port with health check /healthz")
https = res["aws_lb_listener.https"]
if u(https["protocol"]) != "HTTPS" or "aws_acm_certificate_validation.map" not in str(u(https["certificate_arn"])) or \
        "max-age=" not in str(u(https.get("routing_http_response_strict_transport_security_header_value"))):
    bad.append("no HTTPS listener with the DNS-validated certificate and HSTS")
if "aws_lb.map.dns_name" not in str(res.get("aws_route53_record.map")) or var.get("allow_plain_http") is not False:
    bad.append("no alias record for the domain, or plain HTTP by default")
if "/metrics" not in str(res.get("aws_lb_listener_rule.no_metrics")):
    bad.append("/metrics is served to the internet")
if u(blk(lb.get("access_logs", [{}])).get("enabled")) is not True:
    bad.append("the ALB's access logs are off")
acl = res["aws_wafv2_web_acl.map"]
rate = [blk(blk(r["statement"])["rate_based_statement"]) for r in acl["rule"] if "rate_based_statement" in blk(r["statement"])]
if not rate or (u(rate[0]["limit"]), u(rate[0]["aggregate_key_type"]), u(rate[0].get("evaluation_window_sec", 300))) != \
        ("${var.waf_rate_limit}", "IP", 300) or var.get("waf_rate_limit") != 500:
    bad.append("no WAF rate rule of 500 requests per 5 minutes per IP")
elif "fdsnws" not in str(rate[0].get("scope_down_statement")):
    bad.append("the WAF rate rule counts static assets (no scope-down to the API)")
groups = {u(blk(blk(r["statement"])["managed_rule_group_statement"])["name"]): blk(r.get("override_action", [{}]))
          for r in acl["rule"] if "managed_rule_group_statement" in blk(r["statement"])}
for g in ("AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet"):
    if g not in groups or "count" not in groups[g]:
        bad.append("%s not in the web ACL counting" % g)
if "redacted_fields" not in res.get("aws_wafv2_web_acl_logging_configuration.map", {}) or \
        u(res["aws_cloudwatch_log_group.waf"]["retention_in_days"]) > 90:
    bad.append("WAF logs keep full headers or for more than 90 days")
if u(res["aws_wafv2_web_acl_association.map"]["resource_arn"]) != "${aws_lb.map.arn}":
    bad.append("the web ACL is not on the map's ALB")
# Kafka's checksum: required (no default to guess), 128 hex digits
ks = [b for v in tf["variable"] for k, b in v.items() if k == "kafka_sha512"]
if not ks or "default" in ks[0] or "{128}" not in str(ks[0].get("validation")):
    bad.append("kafka_sha512 is not a required variable validated as 128 hex digits")
# the broker: the instance's (default) or MSK by var.broker; MSK is three
# brokers over three zones, IAM only, TLS, RF 3 / min ISR 2, the key, logs
bv = [b for v in tf["variable"] for k, b in v.items() if k == "broker"][0]
if u(bv.get("default")) != "instance" or "msk" not in str(bv.get("validation")):
    bad.append("no broker variable choosing the instance (default) or MSK")
msk = res.get("aws_msk_cluster.main", {})
ca = blk(msk.get("client_authentication", [{}]))
enc = blk(msk.get("encryption_info", [{}]))
tr = blk(enc.get("encryption_in_transit", [{}]))
props = str(u(res.get("aws_msk_configuration.main", {}).get("server_properties")))
if "local.msk ? 1 : 0" not in str(u(msk.get("count"))) or u(msk.get("number_of_broker_nodes")) != 3 or \
        u(blk(ca.get("sasl", [{}])).get("iam")) is not True or u(ca.get("unauthenticated")) is not False or \
        (u(tr.get("client_broker")), u(tr.get("in_cluster"))) != ("TLS", True) or \
        "aws_kms_key.main.arn" not in str(u(enc.get("encryption_at_rest_kms_key_arn"))) or \
        "default.replication.factor=3" not in props or "min.insync.replicas=2" not in props or \
        u(blk(blk(blk(msk.get("logging_info", [{}])).get("broker_logs", [{}])).get("cloudwatch_logs", [{}])).get("enabled")) is not True:
    bad.append("the MSK option is not 3 brokers, IAM only, TLS, RF 3 / min ISR 2, the project's key, broker logs")
loc = {k: v for l in tf["locals"] for k, v in l.items()}
if "local.msk ? 3 : 2" not in str(loc.get("azs")) or "length(local.azs)" not in str(u(res["aws_subnet.private"]["count"])):
    bad.append("MSK's three brokers have no third zone")
# the map: an Auto Scaling group of >= 2 over two zones, launch template
# with IMDSv2 only, ELB health check (/healthz), instance refresh, the ALB
asg = res["aws_autoscaling_group.map"]
mv = [b for v in tf["variable"] for k, b in v.items() if k == "map_min_size"][0]
lt = res["aws_launch_template.map"]
lmd = blk(lt["metadata_options"])
if u(asg["min_size"]) != "${var.map_min_size}" or u(mv.get("default")) < 2 or ">= 2" not in str(mv.get("validation")) or \
        re.sub(r"\s", "", "slice(aws_subnet.private[*].id, 0, 2)") not in re.sub(r"\s", "", str(u(asg["vpc_zone_identifier"]))) or \
        u(asg["health_check_type"]) != "ELB" or "aws_lb_target_group.map.arn" not in str(u(asg["target_group_arns"])) or \
        "aws_launch_template.map" not in str(asg["launch_template"]) or \
        u(blk(asg.get("instance_refresh", [{}])).get("strategy")) != "Rolling" or \
        u(lmd["http_tokens"]) != "required" or u(lmd["http_put_response_hop_limit"]) != 1:
    bad.append("the map is not an Auto Scaling group of >= 2 over two zones (launch template, IMDSv2, ELB /healthz, refresh)")
if [k for k in res if k.startswith("aws_lb_target_group_attachment.") and "target_group.map" in str(res[k])]:
    bad.append("the pipeline instance is still a map target")
# the receiver behind the ALB on its own host, HTTPS only
sr = res.get("aws_lb_listener_rule.shake", {})
if "aws_lb_listener.https" not in str(u(sr.get("listener_arn"))) or "local.shake_host" not in str(sr.get("condition")) or \
        u(blk(res["aws_lb_target_group.shake"]["health_check"])["path"]) != "/healthz":
    bad.append("the phones' receiver is not behind the ALB on its own host over HTTPS")
# secrets: SecureStrings under the CMK, values outside Terraform, read by
# exactly their ARNs, the key via Parameter Store for them alone
prm = res["aws_ssm_parameter.secret"]
sp = str(u(res["aws_iam_role_policy.pipeline_secrets"]["policy"]))
if u(prm["type"]) != "SecureString" or "aws_kms_key.main" not in str(u(prm["key_id"])) or \
        "value" not in str(blk(prm["lifecycle"])["ignore_changes"]) or "shake.token" not in str(loc.get("secret_files")) or \
        "aws_ssm_parameter.secret" not in sp or "ssm:*" in sp or "parameter/*" in sp or \
        "ssm.${var.region}.amazonaws.com" not in sp or "PARAMETER_ARN" not in sp:
    bad.append("secrets: not SecureStrings under the key read by exactly their ARNs (kms:ViaService ssm)")
for need in ("quake-credstore", "/run/credstore", "LoadCredential=", "Before=quake-alerts.service quake-shake-in.service",
             "quake-alerts quake-shake-in", "amazon-cloudwatch-agent-ctl", '[ "$v" != unset ]'):
    if need not in tmpl:
        bad.append("user data lacks %r" % need)
if "put-parameter" in tmpl or "--value" in tmpl:
    bad.append("user data handles secret values")
cwa = str(loc.get("cw_agent_config"))
if "journald" not in cwa or "quake-alerts.service" not in cwa or "aws_cloudwatch_log_group.journal.name" not in cwa:
    bad.append("the CloudWatch agent does not ship the units' journal")
print("; ".join(bad) or "ok")
PY
)
	check "infra: HCL parses; IMDSv2 + hop limit 1, least privilege per role (pipeline PutItem+DescribeTable, map Query on the table, its day-time-index and sparse sig-time-index, through the endpoint, kms:ViaService; on MSK the map only reads), instance broker or MSK (3 brokers, IAM, TLS, RF 3, min ISR 2), the map an ASG of >= 2 over two zones (IMDSv2, ELB /healthz, refresh), the receiver on its own HTTPS host, secrets in SecureStrings fetched to /run/credstore, the journal shipped, Session Manager, no inbound but from the ALB (and Kafka from the map) (public subnets, /healthz, /metrics hidden, HTTPS+HSTS on a domain unless plain HTTP is asked for, access logs, WAF 500/5 min/IP on the API + managed rules counting, redacted logs), no replacement by AMI or release, a kept data volume, the template's variables all given and its fixes in place, the table kept (deletion protection, prevent_destroy, backups), alarms to SNS, documented ($out)" test "$out" = ok
	"$VENV/bin/checkov" -d infra --compact --quiet --skip-download >"$TMP/checkov.out" 2>/dev/null
	check "infra: checkov finds no failed check ($(grep -m1 'Passed checks' "$TMP/checkov.out"))" \
		grep -q 'Failed checks: 0,' "$TMP/checkov.out"
	check "infra: every skipped check says why" \
		test -z "$(grep -h 'checkov:skip=' infra/*.tf | grep -v 'checkov:skip=[A-Z0-9_]*:.\{20,\}')"
	if command -v terraform >/dev/null; then
		terraform fmt -check infra >/dev/null 2>&1
		check "infra: terraform fmt -check" test $? -eq 0
	fi
	# terraform validate needs the aws provider; no registry is reached: a
	# provider already on the machine (a filesystem mirror, TF_PLUGIN_DIR,
	# by default /opt/tf-plugins) or the case says it could not run
	local plugins=${TF_PLUGIN_DIR:-/opt/tf-plugins}
	if command -v terraform >/dev/null && [ -d "$plugins/registry.terraform.io/hashicorp/aws" ]; then
		mkdir -p "$TMP/tf" && cp infra/*.tf infra/*.tftpl "$TMP/tf/"
		(cd "$TMP/tf" && export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 &&
			terraform init -backend=false -input=false -no-color -plugin-dir="$plugins" &&
			terraform validate -no-color) >"$TMP/tf.out" 2>&1
		check "infra: terraform validate with the aws provider of $plugins ($(grep -m1 -o 'Success.*\|Error: .*' "$TMP/tf.out"))" \
			grep -q 'The configuration is valid' "$TMP/tf.out"
		# the templates rendered by Terraform itself (terraform console: no
		# provider call), each branch: the instance broker, MSK, the map's
		local b v out2 bad=""
		for b in instance msk; do
			v='artifact_url="https://a/q.deb", artifact_sha256="00", kafka_url="https://k/k.tgz", kafka_sha512="11",
			   ssm_agent_url="https://s/s.deb", kafka_heap="1g", kafka_memory_max="2G", kafka_host="10.42.10.10",
			   data_volume_id="vol-1", shake_port=8081, map_window="30d", retention_ms=1, name="quake", region="eu-central-1",
			   ttl_days=3650, cw_agent_url="https://c/c.deb", cw_agent_config=jsonencode({a=1}), param_prefix="/quake/",
			   secrets="alert-rules.json shake.token", alert_files="alert-rules.json", msk_iam_jar_url="https://j/j.jar",
			   msk_iam_jar_sha256="22", brokers="b-1:9098", map_port=8080'
			if [ $b = msk ]; then v="$v, msk_brokers=\"b-1:9098\", kafka_args=\"-X sasl.mechanism=AWS_MSK_IAM\""
			else v="$v, msk_brokers=\"\", kafka_args=\"\""; fi
			for f in user-data map-user-data; do
				out2=$(cd "$TMP/tf" && echo "templatefile(\"$f.sh.tftpl\", {$(echo "$v" | tr -d '\n\t')})" |
					TF_CLI_CONFIG_FILE=/dev/null terraform console -var artifact_url=x -var artifact_sha256=y \
					-var kafka_sha512="$(printf '0%.0s' $(seq 128))" 2>&1 | sed '1{/^<<EOT$/d}; ${/^EOT$/d}')
				bash -n <<<"$out2" 2>/dev/null && [[ $out2 == "#!/bin/bash"* ]] || bad="$bad $f/$b"
				[ $f = user-data ] && [ $b = msk ] && { grep -q 'boot=b-1:9098 rf=3' <<<"$out2" && ! grep -q '^useradd.*kafka' <<<"$out2"; } || \
					{ [ $f = user-data ] && [ $b = msk ] && bad="$bad msk-branch"; }
			done
		done
		check "infra: terraform renders both user-data templates, instance broker and MSK, bash -n clean${bad:+ (not:$bad)}" test -z "$bad"
	else
		fail "infra: terraform validate" "no terraform, or no aws provider under $plugins (set TF_PLUGIN_DIR)"
	fi
}

# make install lays out binaries, units, man pages and the page's assets;
# libquake is internal (docs/design.md: What is installed): no library,
# header or pkg-config file is installed
deploy_install() {
	local root="$TMP/inst"
	make -s install B="$B" DESTDIR="$root" PREFIX=/usr/local >/dev/null 2>&1
	check "install: binaries and man pages" test -x "$root/usr/local/bin/emsc-tail" \
		-a -f "$root/usr/local/share/man/man1/quake-produce.1"
	check "install: quake-ddb-get and its man page" test -x "$root/usr/local/bin/quake-ddb-get" \
		-a -f "$root/usr/local/share/man/man1/quake-ddb-get.1"
	check "install: no library, header or pkg-config file (libquake is internal)" \
		test -z "$(find "$root/usr/local/include" "$root/usr/local/lib" \( -name 'libquake*' -o -name '*.h' -o -name '*.pc' \) 2>/dev/null)"
}

deploy_units() {
	local u out score root="$TMP/unitroot"
	make -s install B="$B" DESTDIR="$root" PREFIX=/usr/local >/dev/null 2>&1
	for u in quake-ingest quake-sink quake-web quake-alerts quake-shake-in quake-shake-detect quake-shake-coincide; do
		score=$(systemd-analyze security --offline=true "scripts/systemd/$u.service" 2>/dev/null |
			sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
		check "systemd: $u exposure $score <= 2.0" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
		sed "s|/usr/local/bin/|$root/usr/local/bin/|" "scripts/systemd/$u.service" >"$TMP/$u.service"
		out=$(systemd-analyze verify --man=no "$TMP/$u.service" 2>&1)
		check "systemd: $u verifies clean${out:+ ($out)}" test -z "$out"
		check "install: $u script, unit and env template" test -x "$root/usr/local/bin/$u" \
			-a -f "$root/usr/local/lib/systemd/system/$u.service" -a -f "$root/usr/local/share/quake/quake.env.example"
	done
	check "install: quake-map's page and its vendored assets in share/quake/web" test -f "$root/usr/local/share/quake/web/index.html" \
		-a -f "$root/usr/local/share/quake/web/vendor/leaflet.js" -a -f "$root/usr/local/share/quake/web/vendor/countries-110m.json" \
		-a -f "$root/usr/local/share/quake/web/LICENSES"
}

suite_deploy() { run_cases deploy_; }

# make deb: one package, lintian without an error or warning (each info tag
# is understood: docs/design.md, Packaging), the conffile and the layout
deploy_deb() {
	local deb out
	make -s deb B="$B" >"$TMP/deb.log" 2>&1
	deb=$(ls "$B"/quake_*_"$(dpkg --print-architecture)".deb 2>/dev/null | tail -1)
	check "deb: make deb builds a package (${deb:-none: $(tail -2 "$TMP/deb.log" | tr '\n' ' ' | cut -c1-200)})" test -n "$deb"
	[ -n "$deb" ] || return
	if command -v lintian >/dev/null; then
		lintian --fail-on error,warning "$deb" >"$TMP/lintian.out" 2>&1
		check "deb: lintian finds no error or warning ($(grep '^[EW]:' "$TMP/lintian.out" | head -3 | tr '\n' ' '))" test $? -eq 0
	else
		fail "deb: lintian" "lintian is not installed (scripts/install-deps)"
	fi
	out=$(dpkg-deb -f "$deb" Depends)
	check "deb: Depends from dpkg-shlibdeps ($out)" grep -q 'librdkafka1.*libwebsockets17' <<<"$out"
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$TMP/conffiles" 2>/dev/null
	check "deb: /etc/quake/quake.env is a conffile" test "$(cat "$TMP/conffiles")" = /etc/quake/quake.env
	dpkg-deb -c "$deb" | awk '{ print $6 }' >"$TMP/deb.list"
	check "deb: binaries, service scripts, units, man pages, the page's assets" test "$(grep -c \
		-e '^./usr/bin/quake-map$' -e '^./usr/libexec/quake/quake-web$' -e '^./usr/libexec/quake/quake-service.sh$' \
		-e '^./lib/systemd/system/quake-sink.service$' -e '^./usr/share/man/man7/quake.7.gz$' \
		-e '^./usr/share/quake/web/vendor/leaflet.js$' "$TMP/deb.list")" = 6
	check "deb: the units start the packaged scripts" test -z "$(dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './lib/systemd/system/*.service' | grep '^ExecStart=' | grep -v '^ExecStart=/usr/libexec/quake/')"
}

# the boot test (tests/boot-debian.sh): root, systemd-nspawn and debootstrap;
# its own network namespace (unshare -n), so nothing it starts is seen
# outside and nothing outside is reached
deploy_boot() {
	local deb line n=0
	deb=$(ls "$B"/quake_*_"$(dpkg --print-architecture)".deb 2>/dev/null | tail -1)
	[ -n "$deb" ] || { make -s deb B="$B" >/dev/null 2>&1; deb=$(ls "$B"/quake_*.deb 2>/dev/null | tail -1); }
	if [ "$(id -u)" != 0 ] || ! command -v systemd-nspawn >/dev/null || ! command -v debootstrap >/dev/null; then
		fail "boot" "needs root, systemd-nspawn and debootstrap (scripts/install-deps)"; return
	fi
	[ -n "$deb" ] || { fail "boot" "no package (make deb)"; return; }
	mkdir -p "$TMP/boot"
	while IFS= read -r line; do
		case $line in
		"ok "*) pass "boot: ${line#ok }"; n=$((n + 1)) ;;
		"not ok "*) line=${line#not ok }; fail "boot: ${line%%: *}" "${line#*: }"; n=$((n + 1)) ;;
		"# "*) echo "  boot ${line}" ;;
		esac
	done < <(timeout 900 unshare -n tests/boot-debian.sh "$deb" infra/user-data.sh.tftpl "$TMP/boot" 2>"$TMP/boot.err")
	check "boot: the boot test ran to its end ($n checks; $(tail -1 "$TMP/boot.err"))" test "$n" -ge 30
}
