# suite-deploy — what ships around the binaries, checked without Docker or
# AWS (`make check`; these need docker-compose, checkov, python-hcl2 and
# systemd-analyze, which `make test` does not): compose.yaml, infra/ (the
# HCL parsed and its promises asserted, checkov with every failed check
# fixed or justified, terraform fmt), `make install` and the systemd units.
# Every deploy_* function is a case. Sourced by tests/run.

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
		test "$out" = "alerts detections-init dynamodb dynamodb-init grafana ingest kafka kafka-init loki map promtail shake-coincide shake-detect shake-in shake-init shake-triggers-init sink "
	out=$(docker-compose -f compose.yaml config 2>/dev/null | python3 -c '
import sys, yaml
m = yaml.safe_load(sys.stdin)["services"]["map"]
p = m["ports"][0]
print(m["command"] == ["quake-web"], (p.get("host_ip"), str(p.get("published"))) == ("127.0.0.1", "8080")
      if isinstance(p, dict) else str(p).split("/")[0] == "127.0.0.1:8080:8080")' 2>&1)
	check "compose.yaml: the map service runs quake-web on 127.0.0.1:8080 ($out)" test "$out" = "True True"
	check "compose.yaml: Kafka 4.x image in KRaft mode" grep -q 'image: apache/kafka:4\..*' compose.yaml
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
pol = str(u(res["aws_iam_role_policy.pipeline"]["policy"]))
acts = sorted(re.findall(r"dynamodb:[A-Za-z*]+", pol))
if acts != ["dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:Query"]:
    bad.append("instance role allows %s" % acts)
if "/index/day-time-index" not in pol or "/index/*" in pol:
    bad.append("Query is not limited to the table and its day-time-index")
for k, v in res.items():
    if k.startswith("aws_security_group.") and v.get("ingress"):
        bad.append("%s has inbound rules" % k)
t = res["aws_dynamodb_table.events"]
if u(t["billing_mode"]) != "PAY_PER_REQUEST" or u(t["hash_key"]) != "id":
    bad.append("table not on-demand with key id")
g = blk(t["global_secondary_index"])
if (u(g["hash_key"]), u(g["range_key"])) != ("day", "time"):
    bad.append("no day/time index")
if u(blk(t["ttl"])["attribute_name"]) != "ttl" or u(blk(t["point_in_time_recovery"])["enabled"]) is not True:
    bad.append("ttl or PITR missing")
if not any(v for v in tf["variable"] if "replica_region" in v):
    bad.append("no replica_region variable")
for v in tf["variable"] + tf["output"]:
    for name, body in v.items():
        if not u(body.get("description")):
            bad.append("%s has no description" % name)
# the map: the instance's one way in is quake-map's port from the ALB's group
var = {k: u(b.get("default")) for v in tf["variable"] for k, b in v.items()}
ins = [(k, v) for k, v in res.items() if k.startswith(("aws_vpc_security_group_ingress_rule.", "aws_security_group_rule."))
       and "aws_security_group.pipeline." in str(u(v.get("security_group_id")))]
if [(u(v.get("referenced_security_group_id")), u(v["from_port"]), u(v["to_port"])) for _, v in ins] != \
        [("${aws_security_group.alb.id}", "${var.map_port}", "${var.map_port}")]:
    bad.append("instance inbound is not only the map port from the ALB: %s" % [k for k, _ in ins])
lb = res["aws_lb.map"]
if u(lb["load_balancer_type"]) != "application" or u(lb["internal"]) is not False or \
        sorted(u(lb["subnets"])) != ["${aws_subnet.public.id}", "${aws_subnet.public_b.id}"]:
    bad.append("the map's ALB is not internet-facing in the two public subnets")
tg = res["aws_lb_target_group.map"]
if u(blk(tg["health_check"])["path"]) != "/healthz" or u(tg["port"]) != "${var.map_port}" or var.get("map_port") != 8080:
    bad.append("target group not quake-map's port with health check /healthz")
https = res["aws_lb_listener.https"]
if u(https["protocol"]) != "HTTPS" or u(https["certificate_arn"]) != "${var.certificate_arn}" or var.get("certificate_arn") != "":
    bad.append("no optional ACM HTTPS listener")
acl = res["aws_wafv2_web_acl.map"]
rate = [blk(blk(r["statement"])["rate_based_statement"]) for r in acl["rule"] if "rate_based_statement" in blk(r["statement"])]
if not rate or (u(rate[0]["limit"]), u(rate[0]["aggregate_key_type"]), u(rate[0].get("evaluation_window_sec", 300))) != \
        ("${var.waf_rate_limit}", "IP", 300) or var.get("waf_rate_limit") != 500:
    bad.append("no WAF rate rule of 500 requests per 5 minutes per IP")
if u(res["aws_wafv2_web_acl_association.map"]["resource_arn"]) != "${aws_lb.map.arn}":
    bad.append("the web ACL is not on the map's ALB")
print("; ".join(bad) or "ok")
PY
)
	check "infra: HCL parses; IMDSv2 + hop limit 1, role only PutItem+DescribeTable and Query on the table and its index, no inbound but the map's port from its ALB (public subnets, /healthz, WAF 500/5 min/IP, optional HTTPS), table as designed, documented ($out)" test "$out" = ok
	"$VENV/bin/checkov" -d infra --compact --quiet --skip-download >"$TMP/checkov.out" 2>/dev/null
	check "infra: checkov finds no failed check ($(grep -m1 'Passed checks' "$TMP/checkov.out"))" \
		grep -q 'Failed checks: 0,' "$TMP/checkov.out"
	check "infra: every skipped check says why" \
		test -z "$(grep -h 'checkov:skip=' infra/*.tf | grep -v 'checkov:skip=[A-Z0-9_]*:.\{20,\}')"
	if command -v terraform >/dev/null; then
		terraform fmt -check infra >/dev/null 2>&1
		check "infra: terraform fmt -check" test $? -eq 0
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
