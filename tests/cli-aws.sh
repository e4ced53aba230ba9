# cli-aws — credentials sources and quake-ddb-put without DynamoDB: against
# the stand-ins of tests/aws-standin.py on 127.0.0.1. Sourced by suite-cli.sh.

# standin NAME MODE ARGS...: start a stand-in on a free port; sets SPORT
standin() {
	local name=$1; shift
	rm -f "$TMP/$name.out"	# else the last one's "ready PORT" may be read
	python3 tests/aws-standin.py "$1" 0 "${@:2}" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	echo $! >"$TMP/$name.pid"
	SPORT=""
	for _ in $(seq 100); do
		SPORT=$(awk '/^ready/ {print $2}' "$TMP/$name.out" 2>/dev/null)
		[ -n "$SPORT" ] && return 0
		sleep 0.1
	done
	return 1
}
standin_stop() { kill "$(cat "$TMP/$1.pid")" 2>/dev/null; wait "$(cat "$TMP/$1.pid")" 2>/dev/null; }

# no ambient credentials: each test names its one source
noaws() {
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
		-u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI \
		-u AWS_CONTAINER_AUTHORIZATION_TOKEN -u AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
		-u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_DYNAMODB \
		HOME="$TMP/nohome" AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:1 "$@"
}

cli_creds() {
	local CG="$B/tests/creds_get" M out
	standin meta meta --expires-in 3600 --ecs-token sekrit || { fail "meta stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	out=$(noaws AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0 1000 3000 3400 3401 i 3401 | tr '\n' ,)
	check "imds v2: fetched once, cached, refreshed 5 min before expiry, refetched after invalidate" \
		test "$out" = "imds ASIAIMDS0001 1,imds ASIAIMDS0001 1,imds ASIAIMDS0001 1,imds ASIAIMDS0002 2,imds ASIAIMDS0002 2,imds ASIAIMDS0003 3,"
	check "imds v2: every credentials request carried a token" \
		test "$(curl -s "$M/stats" | jq '.v1_requests // 0')" -eq 0
	out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=$M/ecs/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=sekrit "$CG" 0)
	check "ecs full URI with authorization token" test "$out" = "ecs ASIAECS0001 1"
	out=$(noaws AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/ecs/v2 AWS_CONTAINER_AUTHORIZATION_TOKEN=sekrit "$CG" --ecs-base "$M" 0)
	check "ecs relative URI on the container endpoint" test "$out" = "ecs ASIAECS0002 1"
	printf 'sekrit\n' >"$TMP/ecs-token"
	out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=$M/ecs/creds AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TMP/ecs-token" "$CG" 0)
	check "ecs token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" test "$out" = "ecs ASIAECS0003 1"
	out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=$M/ecs/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong "$CG" 0)
	check "ecs wrong token: configuration error" test "$out" = "error 78 container endpoint answered HTTP 401"
	out=$(noaws AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0)
	check "environment comes before instance metadata" test "$out" = "env AKENV 1"
	out=$(noaws AWS_EC2_METADATA_DISABLED=true AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0)
	check "AWS_EC2_METADATA_DISABLED: no credentials, exit 78" test "${out%% *}${out#error }" = "error78 no credentials: not in the environment, the shared files, a container endpoint or instance metadata"
	out=$(noaws "$CG" 0)
	check "metadata unreachable: exit 69" test "$out" = "error 69 instance metadata does not answer"
	standin_stop meta

	standin meta1 meta --v1-only || { fail "meta v1 stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	out=$(noaws AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0)
	check "imds v1-only service: refused without --imds-v1" \
		test "$out" = "error 69 instance metadata refused an IMDSv2 token (HTTP 403); IMDSv1 is not used unless asked"
	check "imds: no token-less request was made" test "$(curl -s "$M/stats" | jq '.v1_requests // 0')" -eq 0
	out=$(noaws AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" --imds-v1 0)
	check "imds v1 fallback when asked" test "$out" = "imds ASIAIMDS0001 1"
	standin_stop meta1
}

cli_ddb_offline() {
	local DP="$B/bin/quake-ddb-put" rc
	"$DP" </dev/null >/dev/null 2>&1; rc=$?
	check "quake-ddb-put without -t: exit 64" test $rc -eq 64
	"$DP" -t quake -c 0 </dev/null >/dev/null 2>&1; rc=$?
	check "quake-ddb-put -c 0: exit 64" test $rc -eq 64
	"$DP" -t 'a b' </dev/null >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-put bad table name: exit 64, says why" test $rc -eq 64 -a "$(grep -c 'not a DynamoDB table name' "$TMP/err")" -eq 1
	noaws "$DP" -t quake -e http://127.0.0.1:1 </dev/null >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-put without credentials: exit 69 (metadata unreachable)" test $rc -eq 69
	noaws AWS_EC2_METADATA_DISABLED=true "$DP" -t quake -e http://127.0.0.1:1 </dev/null >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-put with no credential source: exit 78" test $rc -eq 78
	check "quake-ddb-put no credentials: one clear line" grep -q 'msg="no AWS credentials"' "$TMP/err"
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e 'ftp://x/' </dev/null >/dev/null 2>&1; rc=$?
	check "quake-ddb-put non-http endpoint: exit 78" test $rc -eq 78
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b AWS_EC2_METADATA_DISABLED=true "$DP" -t quake </dev/null >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-put no region: exit 78" test $rc -eq 78 -a "$(grep -c 'no region' "$TMP/err")" -eq 1
	# bad lines need no service: rejected, in order, dead-lettered
	bad_lines
	rm -f "$TMP/dl"
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e http://127.0.0.1:1 \
		--dead-letter "$TMP/dl" <"$TMP/badlines" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "quake-ddb-put bad lines only: exit 65" test $rc -eq 65
	check "quake-ddb-put: one rejected status line per bad line, in order" cmp -s "$TMP/out" "$TMP/want"
	check "quake-ddb-put: dead-letter holds the bad lines" cmp -s "$TMP/dl" "$TMP/badlines"
	# a good line and nothing listening: retried, never acknowledged, exit 75
	head -1 tests/golden/ws-frames.ndjson | noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b \
		"$DP" -t quake -e http://127.0.0.1:1 --max-attempts 3 >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "quake-ddb-put no service: exit 75 after --max-attempts" test $rc -eq 75
	check "quake-ddb-put no service: no status line" test ! -s "$TMP/out"
	check "quake-ddb-put no service: says it gave up after 3" grep -q 'msg="giving up on a line" line=1 .*attempts=3' "$TMP/err"
	{ sleep 2.5; } | noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e http://127.0.0.1:1 --stats 1 \
		>/dev/null 2>"$TMP/err"
	check "quake-ddb-put --stats: a counters line while idle" \
		grep -q 'msg=stats in=0 stored=0 stale=0 rejected=0 retries=0 pending=0' "$TMP/err"
	# the other binaries' --stats lines, idle, with nothing to talk to
	{ sleep 2.5; } | "$B/bin/quake-produce" -b 127.0.0.1:1 -t x -T 0 --stats 1 >/dev/null 2>"$TMP/err"
	check "quake-produce --stats: a counters line while idle" \
		grep -q 'msg=stats in=0 produced=0 rejected=0 failed=0 pending=0' "$TMP/err"
	timeout -s TERM 2.5 "$B/bin/quake-consume" -b 127.0.0.1:1 -t x --stats 1 >/dev/null 2>"$TMP/err"
	check "quake-consume --stats: a counters line while idle" \
		grep -q 'msg=stats out=0 handled=0 partitions=0 lag=0' "$TMP/err"
	timeout -s TERM 2.5 "$B/bin/emsc-tail" --url ws://127.0.0.1:1/x --fdsn-url http://127.0.0.1:1/ --stats 1 \
		>/dev/null 2>"$TMP/err"
	check "emsc-tail --stats: a counters line while it redials" \
		grep -q 'msg=stats in=0 out=0 rejected=0 duplicates=0 reconnects=0 backfilled=0 connected=0 checkpoint_age_s=-1' "$TMP/err"
	check "-V prints quake-ddb-put" test "$("$DP" -V | cut -d' ' -f1)" = quake-ddb-put
}

# ddb_get_want FILE SINCE UNTIL [MINMAG]: the newest revision of each id in
# FILE with time in [SINCE, UNTIL] (and mag >= MINMAG), by time, as written
ddb_get_want() {
	python3 - "$@" <<'PY'
import json, sys
path, since, until = sys.argv[1:4]
minmag = float(sys.argv[4]) if len(sys.argv) > 4 else None
best = {}
for raw in open(path):
    raw = raw.rstrip('\n')
    if not raw:
        continue
    ev = json.loads(raw)
    if ev['id'] not in best or best[ev['id']][0]['lastupdate'] < ev['lastupdate']:
        best[ev['id']] = (ev, raw)
sel = [(e['time'], r) for e, r in best.values() if since <= e['time'] <= until and
       (minmag is None or e['mag'] >= minmag)]
for _, r in sorted(sel):
    print(r)
PY
}

# quake-ddb-get against tests/aws-standin.py's read-only table (pages of
# 3, throttled at first): a range comes back exactly, in time order
cli_ddb_get() {
	local G="$B/bin/quake-ddb-get" T rc
	"$G" </dev/null >/dev/null 2>&1; rc=$?
	check "quake-ddb-get without -t: exit 64" test $rc -eq 64
	"$G" -t quake 2>"$TMP/err" >/dev/null; rc=$?
	check "quake-ddb-get without --since or --scan: exit 64, says why" test $rc -eq 64 -a "$(grep -c 'no range' "$TMP/err")" -eq 1
	"$G" -t quake --since yesterday >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-get --since garbage: exit 64" test $rc -eq 64
	"$G" -t quake --since 2025-02-01 --until 2025-01-01 >/dev/null 2>&1; rc=$?
	check "quake-ddb-get --since after --until: exit 64" test $rc -eq 64
	"$G" -t quake --since 1d --minlatitude 91 >/dev/null 2>&1; rc=$?
	check "quake-ddb-get latitude 91: exit 64" test $rc -eq 64
	noaws AWS_EC2_METADATA_DISABLED=true "$G" -t quake -e http://127.0.0.1:1 --since 1d >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-get with no credential source: exit 78" test $rc -eq 78
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$G" -t quake -e http://127.0.0.1:1 --since 1d \
		--max-attempts 3 >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "quake-ddb-get no service: exit 75 after --max-attempts, nothing written" test $rc -eq 75 -a ! -s "$TMP/out"
	check "-V prints quake-ddb-get" test "$("$G" -V | cut -d' ' -f1)" = quake-ddb-get

	cat tests/golden/*.ndjson >"$TMP/table"
	standin table table "$TMP/table" --page 3 --throttle 5 || { fail "table stand-in" "did not start"; return; }
	T=http://127.0.0.1:$SPORT
	get() { noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$G" -e "$T" "$@"; }
	get -t quake-ro --since 2024-03-01 --until 2026-09-30T12:00:00Z -c 8 >"$TMP/got" 2>"$TMP/err"; rc=$?
	ddb_get_want "$TMP/table" 2024-03-01T00:00:00.000000Z 2026-09-30T12:00:00.000000Z >"$TMP/want"
	check "quake-ddb-get a range: exit 0 ($(tail -1 "$TMP/err"))" test $rc -eq 0
	check "quake-ddb-get a range: exactly the events in it, by time, canonical bytes ($(wc -l <"$TMP/want") lines)" \
		cmp -s "$TMP/got" "$TMP/want"
	check "quake-ddb-get: throttled requests retried" grep -q 'retries=5' "$TMP/err"
	local q0 s0 q1 s1
	q0=$(curl -s "$T/stats" | jq '.queries // 0') s0=$(curl -s "$T/stats" | jq '.sig_queries // 0')
	get -t quake-ro --since 2015-01-01 --until 2026-12-31 --minmagnitude 4.5 >"$TMP/got" 2>"$TMP/err"
	ddb_get_want "$TMP/table" 2015-01-01T00:00:00.000000Z 2026-12-31T00:00:00.000000Z 4.5 >"$TMP/want"
	check "quake-ddb-get --minmagnitude 4.5 over 12 years ($(wc -l <"$TMP/want") lines)" cmp -s "$TMP/got" "$TMP/want"
	q1=$(curl -s "$T/stats" | jq '.queries // 0') s1=$(curl -s "$T/stats" | jq '.sig_queries // 0')
	# 144 months, a few more pages: not the 4,383 days of the day index
	check "quake-ddb-get --minmagnitude 4.5: the sparse sig-time-index, a month a Query ($((q1 - q0)) queries, all of it: $((s1 - s0)))" \
		test $((q1 - q0)) -eq $((s1 - s0)) -a $((q1 - q0)) -ge 144 -a $((q1 - q0)) -lt 400
	get -t quake-ro --since 2015-01-01 --until 2026-12-31 --minmagnitude 4.5 --day-index >"$TMP/got" 2>"$TMP/err"
	check "quake-ddb-get --minmagnitude 4.5 --day-index: the same lines from the day index" cmp -s "$TMP/got" "$TMP/want"
	check "quake-ddb-get --day-index: no Query of the sparse index" test "$(curl -s "$T/stats" | jq '.sig_queries // 0')" = "$s1"
	get -t quake-ro --since 2015-01-01 --until 2026-12-31 --minmagnitude 4.4 >"$TMP/got" 2>"$TMP/err"
	ddb_get_want "$TMP/table" 2015-01-01T00:00:00.000000Z 2026-12-31T00:00:00.000000Z 4.4 >"$TMP/want"
	check "quake-ddb-get --minmagnitude 4.4: the day index, every one of them ($(wc -l <"$TMP/want") lines)" cmp -s "$TMP/got" "$TMP/want"
	check "quake-ddb-get --minmagnitude 4.4: no Query of the sparse index" test "$(curl -s "$T/stats" | jq '.sig_queries // 0')" = "$s1"
	check "quake-ddb-get: a day of 10 events read in pages of 3 (LastEvaluatedKey)" test "$(curl -s "$T/stats" | jq '.continued // 0')" -gt 0
	get -t quake-ro --scan -c 4 2>/dev/null | sort >"$TMP/got"
	ddb_get_want "$TMP/table" 0 9 | sort >"$TMP/want"
	check "quake-ddb-get --scan: the whole table, each id once at its newest revision" cmp -s "$TMP/got" "$TMP/want"
	get -t quake-ro --scan -c 4 2>/dev/null | head -1 >/dev/null; rc=${PIPESTATUS[0]}
	check "quake-ddb-get | head: quiet exit 0" test "$rc" -eq 0
	get -t nosuch --since 2d >"$TMP/got" 2>"$TMP/err"; rc=$?
	check "quake-ddb-get missing table: exit 78, one clear line" test $rc -eq 78 -a "$(grep -c 'msg="cannot read the table"' "$TMP/err")" -eq 1
	standin_stop table
}
