#!/usr/bin/env bash
# boot-debian.sh DEB TEMPLATE WORK — the AWS user data on a real Debian 12,
# booted here: a bookworm root (debootstrap, cached once under QUAKE_CACHE
# with the packages the user data asks apt for: the test reaches no
# mirror), copied into WORK and booted with systemd-nspawn -b; commands go
# in with nsenter. Run inside a network namespace of its own (the suite
# does `unshare -n`): the container shares it, so Kafka, quake-map and the
# stand-ins (the downloads served from loopback, EMSC, DynamoDB Local) see
# one another on 127.0.0.1 and nothing else.
#   1. the package: dpkg -i, -V of each binary, systemd-analyze verify of
#      the installed units, and a purge that leaves no file behind;
#   2. the pipeline's template rendered as Terraform would (Kafka's
#      distribution and the .deb from http://127.0.0.1, their real checksums
#      computed here), run as user data, then the map instance's template
#      (map-user-data.sh.tftpl beside it) in the same container: Kafka and
#      every quake unit active, /healthz 200, the stand-in's events on the
#      topic, in the map and in the table; the secrets fetched into
#      /run/credstore before quake-alerts and quake-shake-in, which load
#      them as credentials (the receiver refuses a push without the token);
#      the CloudWatch agent given a journald configuration and the journal;
#   3. poweroff and a second boot from the same root: all of it again, and
#      nothing lost (Kafka's cluster id, emsc-tail's checkpoint, every event
#      on the topic and in the map, each once in the table), the secrets
#      fetched again into the new /run.
# Stand-ins, each a package of the real one's name: the SSM agent, the
# CloudWatch agent (its ctl keeps the configuration it is given), and the
# AWS CLI, whose `aws ssm get-parameter` answers from files the test put in
# the root (STAND-IN for Parameter Store: no AWS is reached, so KMS, the
# role's rights and the real CLI are not exercised here; the HCL
# assertions check those grants).
# Prints "ok NAME" or "not ok NAME: WHY" per check (tests/suite-deploy.sh).
set -u
deb=$1 tmpl=$2 work=$3
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
CACHE=${QUAKE_CACHE:-$HOME/.cache/quake}
base=$CACHE/debian-bookworm
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$top/scripts/maven/kafka/pom.xml")
# what the user data installs with apt, present in the root beforehand
PKGS=systemd,systemd-sysv,dbus,openjdk-17-jre-headless,curl,ca-certificates,librdkafka1,libwebsockets17,libjansson4,libcurl4,libssl3,procps,iproute2
pids=()
ok() { echo "ok $1"; }
notok() { echo "not ok $1: $2"; }
t() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else notok "$n" "$*"; fi; }
cleanup() {
	[ -n "${P:-}" ] && kill -0 "$P" 2>/dev/null && kill -RTMIN+4 "$P" 2>/dev/null
	[ -n "${NS:-}" ] && { timeout 60 tail --pid="$NS" -f /dev/null; kill -9 "$NS" 2>/dev/null; }
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	DDB_PORT=18000 DDB_DIR=$work/ddb "$top/scripts/ddb-local" stop >/dev/null 2>&1
	wait 2>/dev/null
}
trap cleanup EXIT
ip link set lo up

# ---- the cached root (the one download: Debian's mirror, once) ----
if [ ! -f "$base/.complete" ]; then
	rm -rf "$base.tmp"
	echo "boot-debian: debootstrap bookworm into $base (once)" >&2
	debootstrap --variant=minbase --include="$PKGS" bookworm "$base.tmp" \
		http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
		notok "debootstrap" "$(tail -3 "$work/debootstrap.log")"; exit 0; }
	touch "$base.tmp/.complete" && mv "$base.tmp" "$base"
fi
root=$work/root
cp -a "$base" "$root" && rm -f "$root/.complete"
# no mirror in here: apt-get update has nothing to fetch, install finds
# everything it is asked for installed
: >"$root/etc/apt/sources.list"; rm -f "$root"/etc/apt/sources.list.d/*
echo quake-boot >"$root/etc/hostname"
printf '127.0.1.1\tquake-boot\n' >>"$root/etc/hosts"

# ---- stand-ins on loopback ----
srv=$work/srv; mkdir -p "$srv"
ktgz=$("$top/tests/kafka-dist.sh" "$CACHE/kafka-$KAFKA_VERSION" "$KAFKA_VERSION" "$srv") || {
	notok "kafka distribution" "tests/kafka-dist.sh failed"; exit 0; }
cp "$deb" "$srv/quake.deb"
# the SSM agent's stand-in: a package of that name whose unit only waits
a=$work/ssm/amazon-ssm-agent
mkdir -p "$a/DEBIAN" "$a/lib/systemd/system"
printf 'Package: amazon-ssm-agent\nVersion: 0.0-standin\nArchitecture: all\nMaintainer: tests <t@quake.invalid>\nDescription: stand-in\n' >"$a/DEBIAN/control"
printf '[Unit]\nDescription=SSM agent stand-in\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' \
	>"$a/lib/systemd/system/amazon-ssm-agent.service"
dpkg-deb --root-owner-group -b "$a" "$srv/amazon-ssm-agent.deb" >/dev/null
# the CloudWatch agent's stand-in: its ctl keeps the configuration and the
# arguments it was given and starts a unit that only waits
a=$work/cwa/amazon-cloudwatch-agent
mkdir -p "$a/DEBIAN" "$a/lib/systemd/system" "$a/opt/aws/amazon-cloudwatch-agent/bin"
printf 'Package: amazon-cloudwatch-agent\nVersion: 0.0-standin\nArchitecture: all\nMaintainer: tests <t@quake.invalid>\nDescription: stand-in\n' >"$a/DEBIAN/control"
printf '#!/bin/sh\nid cwagent >/dev/null 2>&1 || useradd --system --no-create-home cwagent\n' >"$a/DEBIAN/postinst"
chmod 0755 "$a/DEBIAN/postinst"
printf '[Unit]\nDescription=CloudWatch agent stand-in\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' \
	>"$a/lib/systemd/system/amazon-cloudwatch-agent.service"
cat >"$a/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl" <<'SH'
#!/bin/sh
# STAND-IN for amazon-cloudwatch-agent-ctl: keeps its arguments and the file
# of -c file:PATH, starts the waiting unit
echo "$*" >/var/lib/cwagent-standin.args
while [ $# -gt 0 ]; do [ "$1" = -c ] && cp "${2#file:}" /var/lib/cwagent-standin.json; shift; done
systemctl enable --now amazon-cloudwatch-agent
SH
chmod 0755 "$a/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl"
dpkg-deb --root-owner-group -b "$a" "$srv/amazon-cloudwatch-agent.deb" >/dev/null
# the AWS CLI's stand-in (Parameter Store): `aws ssm get-parameter --name
# /quake/NAME ...` prints /var/lib/ssm-standin/NAME, anything else fails
a=$work/awscli/awscli
mkdir -p "$a/DEBIAN" "$a/usr/bin"
printf 'Package: awscli\nVersion: 0.0-standin\nArchitecture: all\nMaintainer: tests <t@quake.invalid>\nDescription: stand-in\n' >"$a/DEBIAN/control"
cat >"$a/usr/bin/aws" <<'SH'
#!/bin/sh
# STAND-IN for the AWS CLI: ssm get-parameter from /var/lib/ssm-standin
[ "$1 $2" = "ssm get-parameter" ] || exit 2
while [ $# -gt 0 ]; do [ "$1" = --name ] && n=$2; shift; done
echo "ssm get-parameter ${n:-}" >>/var/lib/ssm-standin.log
cat "/var/lib/ssm-standin/${n#/quake/}"
SH
chmod 0755 "$a/usr/bin/aws"
dpkg-deb --root-owner-group -b "$a" "$srv/awscli.deb" >/dev/null
# the parameters' values (the stand-in's store): quake-alert's rules (one
# webhook rule no event here matches), its webhook secret, the phones' token
mkdir -p "$root/var/lib/ssm-standin"
cat >"$root/var/lib/ssm-standin/alert-rules.json" <<'J'
{"rules": [{"name": "never", "minmagnitude": 9.9, "circle": {"lat": 0, "lon": 0, "radius_km": 1},
  "webhook": {"url": "http://127.0.0.1:9/hook", "secret_file": "alert-webhook.secret"}}]}
J
echo "whsec_$(head -c 32 /dev/urandom | base64)" >"$root/var/lib/ssm-standin/alert-webhook.secret"
shake_token="tk_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$shake_token" >"$root/var/lib/ssm-standin/shake.token"
chmod -R go-rwx "$root/var/lib/ssm-standin"
python3 -m http.server --bind 127.0.0.1 18080 -d "$srv" >"$work/http.log" 2>&1 & pids+=($!)
python3 "$top/tests/emsc-standin.py" --port 18081 --events 5 --revs 1 --rate 2 \
	--log "$work/emsc.pub" >"$work/emsc.out" 2>"$work/emsc.err" & pids+=($!)
DDB_PORT=18000 DDB_DIR=$work/ddb "$top/scripts/ddb-local" start >"$work/ddb.out" 2>&1 ||
	notok "DynamoDB Local" "$(tail -2 "$work/ddb.out")"
AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "$top/$B/bin/quake-ddb-put" -t quake -r eu-central-1 \
	-e http://127.0.0.1:18000 --create-table </dev/null >/dev/null 2>&1

# the services' configuration points at the stand-ins: an environment file
# read after /etc/quake/quake.env (later files win), placed before boot
mkdir -p "$root/etc/quake"
cat >"$root/etc/quake-standins.env" <<'EOF'
QUAKE_EMSC_ARGS=--since 30d -u ws://127.0.0.1:18081/standing_order/websocket -f http://127.0.0.1:18081/fdsnws/event/1/query
AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:18000
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
EOF
for s in quake-ingest quake-sink quake-web; do
	mkdir -p "$root/etc/systemd/system/$s.service.d"
	printf '[Service]\nEnvironmentFile=/etc/quake-standins.env\n' >"$root/etc/systemd/system/$s.service.d/standins.conf"
done

# ---- the templates, rendered as templatefile() would ----
# (the pipeline's, then the map instance's beside it)
mtmpl=$(dirname "$tmpl")/map-user-data.sh.tftpl
for pair in "$tmpl:user-data.sh" "$mtmpl:map-user-data.sh"; do
python3 - "${pair%%:*}" "$root/root/${pair#*:}" "$ktgz" "$deb" <<'PY' || { notok "render" "${pair%%:*}"; exit 0; }
import hashlib, json, re, sys
src, dst, ktgz, deb = sys.argv[1:5]
h = lambda f, a: getattr(hashlib, a)(open(f, "rb").read()).hexdigest()
# the journald configuration as infra/secrets.tf makes it (its shape is
# asserted there; here the agent is a stand-in)
cwa = {"agent": {"run_as_user": "cwagent", "region": "eu-central-1"},
       "logs": {"logs_collected": {"journald": {"collect_list": [{
           "units": ["kafka.service", "quake-ingest.service", "quake-sink.service", "quake-web.service",
                     "quake-alerts.service", "quake-shake-in.service", "quake-credstore.service"],
           "log_group_name": "/quake/journal", "log_stream_name": "{instance_id}"}]}}}}
v = {"kafka_url": "http://127.0.0.1:18080/" + ktgz.rsplit("/", 1)[1], "kafka_sha512": h(ktgz, "sha512"),
     "artifact_url": "http://127.0.0.1:18080/quake.deb", "artifact_sha256": h(deb, "sha256"),
     "name": "quake", "region": "eu-central-1", "ttl_days": "3650", "map_port": "8080",
     "map_window": "30d", "retention_ms": str(35 * 86400000), "kafka_heap": "1g",
     "kafka_memory_max": "2G", "data_volume_id": "",
     "ssm_agent_url": "http://127.0.0.1:18080/amazon-ssm-agent.deb",
     "cw_agent_url": "http://127.0.0.1:18080/amazon-cloudwatch-agent.deb", "cw_agent_config": json.dumps(cwa),
     "kafka_host": "127.0.0.1", "kafka_args": "", "msk_brokers": "", "msk_iam_jar_url": "", "msk_iam_jar_sha256": "",
     "brokers": "127.0.0.1:9092", "shake_port": "8081", "param_prefix": "/quake/",
     "secrets": "alert-rules.json alert-webhook.secret shake.token", "alert_files": "alert-rules.json alert-webhook.secret"}
t = open(src).read()
# directives: only %{ if X != "" ~} and %{ if X == "" ~} ... %{ endif ~}
def cond(m):
    return m.group(3) if (v[m.group(1)] != "") == (m.group(2) == "!=") else ""
t = re.sub(r'%\{ if (\w+) (!=|==) "" ~\}\n(.*?)%\{ endif ~\}\n', cond, t, flags=re.S)
def sub(m):
    e = m.group(1)
    r = re.fullmatch(r'replace\((\w+), "(.*?)", "(.*?)"\)', e)
    if r:
        return v[r.group(1)].replace(r.group(2), r.group(3))
    return v[e]
t = re.sub(r'(?<!\$)\$\{([^}]+)\}', sub, t).replace("$${", "${").replace("%%{", "%{")
if "%{" in t:
    sys.exit("an unknown directive is left")
open(dst, "w").write(t)
PY
done

# ---- boot, enter ----
boot() {
	timeout 900 systemd-nspawn -D "$root" --register=no --keep-unit -b \
		>>"$work/console.log" 2>&1 &
	NS=$!
	P=""
	for _ in $(seq 60); do
		n=$(pgrep -P "$NS" -x systemd-nspawn)
		[ -n "$n" ] && P=$(pgrep -P "$n" -x systemd)
		[ -n "$P" ] && break
		sleep 0.5
	done
	[ -n "$P" ] || return 1
	# systemd's own socket comes a moment after its process
	for _ in $(seq 60); do
		st=$(timeout 120 nsenter -t "$P" -m -u -i -n -p systemctl is-system-running --wait 2>/dev/null)
		case $st in running|degraded|maintenance|stopping) break ;; esac
		sleep 1
	done
	[ "$st" = running ] || [ "$st" = degraded ]
}
inside() { nsenter -t "$P" -m -u -i -n -p "$@"; }
poweroff() {
	inside systemctl poweroff >/dev/null 2>&1
	timeout 120 tail --pid="$NS" -f /dev/null
	wait "$NS" 2>/dev/null; NS="" P=""
}
wait_for() { local i; for i in $(seq "$1"); do "${@:2}" >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }
healthz() { [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz)" = 200 ]; }
topic_ids() { inside timeout 60 quake-consume -t quake -g "check-$RANDOM$RANDOM" -o beginning -e 2>/dev/null |
	python3 -c 'import json,sys; print(" ".join(sorted({json.loads(l)["id"] for l in sys.stdin if l.strip()})))'; }
map_ids() { curl -s 'http://127.0.0.1:8080/fdsnws/event/1/query?format=geojson&starttime=2000-01-01' |
	python3 -c 'import json,sys; print(" ".join(sorted(f["id"] for f in json.load(sys.stdin)["features"])))' 2>/dev/null; }
ddb_count() { /usr/bin/python3 -c '
import boto3
c = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:18000", region_name="eu-central-1",
                 aws_access_key_id="local", aws_secret_access_key="local")
print(c.scan(TableName="quake", Select="COUNT")["Count"])' 2>/dev/null; }
want_ids() { cut -f1 "$work/emsc.pub" 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//'; }
units="kafka quake-credstore quake-ingest quake-sink quake-alerts quake-shake-in quake-web amazon-ssm-agent amazon-cloudwatch-agent"
active() { local u; for u in $units; do [ "$(inside systemctl is-active "$u")" = active ] || return 1; done; }
# Kafka restarts for ever (Restart=always): active alone may be a moment
# between two failures; its port answering is not
kafka_up() { (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; }

if ! boot; then notok "boot" "systemd in the container did not reach running ($(tail -3 "$work/console.log"))"; exit 0; fi
ok "Debian 12 under systemd-nspawn reaches $st"

# ---- 1. the package ----
snap() { inside find / -xdev \( -path /proc -o -path /sys -o -path /run -o -path /tmp -o -path /var/log \
	-o -path /var/cache -o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /root \) -prune -o -print | sort; }
snap >"$work/before"
cp "$deb" "$root/root/quake.deb"
t "package: dpkg -i" inside dpkg -i /root/quake.deb
bad=""
for b in emsc-tail quake-produce quake-consume quake-ddb-put quake-map quake-shake quake-alert; do
	v=$(inside "$b" -V 2>&1) && [[ "$v" == *[0-9].[0-9]* ]] || bad="$bad $b"
done
t "package: -V of each binary answers a version${bad:+ (not:$bad)}" test -z "$bad"
out=$(inside sh -c 'systemd-analyze verify --man=no /lib/systemd/system/quake-*.service' 2>&1)
t "package: systemd-analyze verify of the installed units${out:+ ($out)}" test -z "$out"
t "package: the page's assets in /usr/share/quake/web" test -f "$root/usr/share/quake/web/vendor/leaflet.js"
t "package: purge" inside dpkg --purge quake
snap >"$work/after"
left=$(comm -13 "$work/before" "$work/after" | tr '\n' ' ')
t "package: purge leaves nothing behind${left:+ ($left)}" test -z "$left"

# ---- 2. user data ----
# the AWS CLI's stand-in in place first: apt finds "awscli" installed
# (no mirror here), and quake-credstore's `aws` is the stand-in
cp "$srv/awscli.deb" "$root/root/awscli.deb"
inside dpkg -i /root/awscli.deb >/dev/null 2>&1
inside timeout 480 bash /root/user-data.sh >"$work/user-data.log" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
	inside timeout 300 bash /root/map-user-data.sh >"$work/map-user-data.log" 2>&1
	mrc=$?
	t "the map instance's user data exits 0 (rc $mrc: $(tail -1 "$work/map-user-data.log" | cut -c1-200))" test $mrc -eq 0
fi
why=$(grep -m1 'Could not create the Java' "$work/user-data.log" || tail -1 "$work/user-data.log")
t "user data exits 0 (rc $rc${why:+: $(echo "$why" | cut -c1-200)})" test $rc -eq 0
[ $rc -eq 0 ] && wait_for 90 active
for u in $units; do
	s=$(inside systemctl is-active "$u")
	t "first boot: $u is $s" test "$s" = active
done
if [ $rc -ne 0 ]; then
	echo "# the user data's end: $(tail -4 "$work/user-data.log" | tr '\n' ' ' | cut -c1-400)"
	poweroff; exit 0
fi
t "first boot: Kafka answers on 127.0.0.1:9092" wait_for 30 kafka_up ||
	echo "# kafka: $(inside journalctl -u kafka --no-pager -n 5 2>&1 | tr '\n' ' ' | cut -c1-400)"
t "first boot: quake-map answers /healthz 200" wait_for 90 healthz
want=$(want_ids)
t "first boot: the stand-in published 5 events" test "$(echo "$want" | wc -w)" = 5
for _ in $(seq 60); do [ "$(topic_ids)" = "$want" ] && break; sleep 1; done
ids1=$(topic_ids)
t "first boot: every event line reached the topic (${ids1:-none})" test -n "$want" -a "$ids1" = "$want"
for _ in $(seq 60); do [ "$(map_ids)" = "$want" ] && break; sleep 1; done
t "first boot: the map serves every event" test "$(map_ids)" = "$want"
for _ in $(seq 60); do [ "$(ddb_count)" = 5 ] && break; sleep 1; done
t "first boot: quake-sink wrote every event to the table ($(ddb_count))" test "$(ddb_count)" = 5
t "first boot: retention and compaction on the topic" inside sh -c \
	'/opt/kafka/bin/kafka-configs.sh --bootstrap-server 127.0.0.1:9092 --describe --entity-type topics --entity-name quake 2>/dev/null | grep -q "cleanup.policy=compact,delete"'
# the secrets: fetched by the oneshot before the services, root's alone in
# /run/credstore, loaded by quake-alerts and quake-shake-in as credentials
# (/run is the container's own: read through nsenter)
same() { inside cat "$2" 2>/dev/null | cmp -s "$root/var/lib/ssm-standin/$1" -; }
secrets_ok() {
	local n
	for n in alert-rules.json alert-webhook.secret shake.token; do
		same "$n" "/run/credstore/$n" || return 1
		[ "$(inside stat -c %a:%U "/run/credstore/$n")" = 600:root ] || return 1
	done
}
t "first boot: quake-credstore put the three parameters in /run/credstore (0600, root)" secrets_ok
t "first boot: quake-credstore ran before quake-alerts and quake-shake-in" inside sh -c \
	'systemctl list-dependencies --after quake-alerts.service | grep -q quake-credstore &&
	 systemctl list-dependencies --after quake-shake-in.service | grep -q quake-credstore'
cred_ok() {
	same alert-rules.json /run/credentials/quake-alerts.service/alert-rules.json &&
		same alert-webhook.secret /run/credentials/quake-alerts.service/alert-webhook.secret &&
		same shake.token /run/credentials/quake-shake-in.service/token &&
		inside sh -c 'tr "\0" "\n" </proc/$(pgrep -n -x quake-alert)/cmdline' |
		grep -q '^/run/credentials/quake-alerts.service/alert-rules.json$'
}
t "first boot: quake-alert runs on the rules from its credentials, the receiver has its token" cred_ok
# the receiver needs the token from any address but 127.0.0.0/8 and ::1: a
# second address on this namespace's lo is not loopback to it; a real
# Sensor Logger push (tests/gen_pushes.py), 200 once on the samples topic
ip addr add 10.98.0.1/32 dev lo 2>/dev/null
python3 "$top/tests/gen_pushes.py" table | sed -n 1p >"$work/push.json"
push() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@" \
	--data-binary @"$work/push.json" http://10.98.0.1:8081/push; }
t "first boot: the receiver refuses a push without the token ($(push))" test "$(push)" = 401
t "first boot: the receiver takes the token from Parameter Store's stand-in ($(push -H "Authorization: Bearer $shake_token"))" \
	test "$(push -H "Authorization: Bearer $shake_token")" = 200
t "first boot: the CloudWatch agent (stand-in) got a journald configuration of the quake units" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["logs"]["logs_collected"]["journald"]["collect_list"][0]
assert {"quake-alerts.service", "quake-shake-in.service", "kafka.service"} <= set(c["units"]) and c["log_group_name"]' \
	"$root/var/lib/cwagent-standin.json"
t "first boot: the agent's user may read the journal (systemd-journal)" \
	inside runuser -u cwagent -- journalctl -q -u quake-sink -n 1 --no-pager
cid1=$(grep cluster.id "$root"/srv/quake/kafka/data/meta.properties 2>/dev/null)
ckpt1=$(cat "$root"/srv/quake/private/quake-ingest/emsc.state 2>/dev/null)

# ---- 3. a second boot from the same state ----
poweroff
if ! boot; then notok "second boot" "$(tail -3 "$work/console.log")"; exit 0; fi
ok "second boot reaches $st"
wait_for 120 active
for u in $units; do
	s=$(inside systemctl is-active "$u")
	t "second boot: $u is $s" test "$s" = active
done
t "second boot: Kafka answers on 127.0.0.1:9092" wait_for 60 kafka_up
t "second boot: quake-map answers /healthz 200" wait_for 90 healthz
cid2=$(grep cluster.id "$root"/srv/quake/kafka/data/meta.properties 2>/dev/null)
t "second boot: Kafka's cluster id kept (${cid2:-none})" test -n "$cid1" -a "$cid1" = "$cid2"
ids2=$(topic_ids)
t "second boot: every event still on the topic, no other" test "$ids2" = "$want"
for _ in $(seq 60); do [ "$(map_ids)" = "$want" ] && break; sleep 1; done
t "second boot: the map rebuilt from the topic shows every event" test "$(map_ids)" = "$want"
# emsc-tail resumes from its checkpoint (minus its overlap margin, so the
# newest events may be sent again: at least once); the table holds each once
t "second boot: emsc-tail's checkpoint kept ($ckpt1)" test -n "$ckpt1" -a \
	-f "$root/srv/quake/private/quake-ingest/emsc.state"
sleep 5
t "second boot: the table still holds each event once ($(ddb_count))" test "$(ddb_count)" = 5
t "second boot: the secrets fetched again into the new /run/credstore" secrets_ok
t "second boot: quake-alert and the receiver have their credentials again" cred_ok
# Terraform's placeholder ("unset") is refused: the credstore fails and the
# receiver, which requires it, stays down rather than take "unset"
printf 'unset\n' >"$root/var/lib/ssm-standin/shake.token"
refused() { ! inside systemctl restart quake-credstore && [ "$(inside systemctl is-active quake-shake-in)" != active ]; }
t "second boot: a parameter still at Terraform's placeholder stops quake-credstore and the receiver" refused
poweroff
exit 0
