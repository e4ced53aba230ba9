# integration-ddb — quake-ddb-put and quake-ddb-get against Amazon DynamoDB Local
# (scripts/ddb-local), directly and through tests/aws-standin.py's front,
# which checks every signature with botocore and injects faults. Sourced by
# suite-integration.sh.

export DDB_PORT=${QUAKE_TEST_DDB_PORT:-18292}
export DDB_DIR="$TMP/ddb"
DDB=http://127.0.0.1:$DDB_PORT
DP="$B/bin/quake-ddb-put"

# status lines: one per input line, numbered 1..N in order
in_order() { test "$(jq -r .line "$1" | awk '$1 != NR {bad=1} END {print NR, bad+0}')" = "$2 0"; }
# ddb_check ENDPOINT TABLE LINES [TTL_DAYS]: sets CHECKED (0 = equal) and
# CHECK_MSG (the verdict's last line)
ddb_check() {
	python3 tests/ddb-check.py "$@" >"$TMP/check.out" 2>&1; CHECKED=$?
	CHECK_MSG=$(tail -1 "$TMP/check.out")
}
put() { AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 "$DP" "$@"; }

ddb_roundtrip() {
	cat tests/golden/*.ndjson >"$TMP/real"
	# a ttl far ahead: DynamoDB Local deletes expired items (the recorded
	# events are years old), and the check would miss them
	put -t quake-rt -e "$DDB" --create-table --ttl-days 36500 <"$TMP/real" >"$TMP/st" 2>"$TMP/err"
	check "ddb real events: exit 0" test $? -eq 0
	check "ddb real events: one status line per line, in order" in_order "$TMP/st" "$(wc -l <"$TMP/real")"
	check "ddb real events: none rejected" test "$(grep -c rejected "$TMP/st")" -eq 0
	ddb_check "$DDB" quake-rt "$TMP/real" 36500
	check "ddb real events: every attribute, day and ttl as the line says ($CHECK_MSG)" test $CHECKED -eq 0
	put -t quake-rt -e "$DDB" --create-table </dev/null >/dev/null 2>&1
	check "ddb --create-table on an existing table: exit 0" test $? -eq 0
}

ddb_stale() {
	local new old
	new=$(head -1 tests/golden/ws-frames.ndjson)
	old=$(sed 's/"lastupdate":"[^"]*"/"lastupdate":"2000-01-01T00:00:00.000000Z"/; s/"mag":[0-9.]*/"mag":1.0/' <<<"$new")
	put -t quake-st -e "$DDB" --create-table <<<"$new" >"$TMP/st1" 2>/dev/null
	put -t quake-st -e "$DDB" <<<"$old" >"$TMP/st2" 2>/dev/null
	check "ddb older after newer: reported stale" grep -q '"status":"stale","line":1' "$TMP/st2"
	printf '%s\n%s\n' "$new" "$old" >"$TMP/both"
	ddb_check "$DDB" quake-st "$TMP/both"
	check "ddb older after newer: the newer one stays" test $CHECKED -eq 0
	put -t quake-st -e "$DDB" <<<"$new" >"$TMP/st3" 2>/dev/null
	check "ddb the same revision again: stored (the table holds it)" grep -q '"status":"stored"' "$TMP/st3"
}

ddb_shuffle() {
	python3 tests/gen-lines.py 2000 5 | shuf --random-source=<(yes) >"$TMP/shuf"
	put -t quake-sh -e "$DDB" --create-table -c 32 <"$TMP/shuf" >"$TMP/st" 2>"$TMP/err"
	check "ddb 10k shuffled revisions: exit 0" test $? -eq 0
	check "ddb 10k shuffled revisions: status lines in order" in_order "$TMP/st" 10000
	ddb_check "$DDB" quake-sh "$TMP/shuf"
	check "ddb shuffled revisions end at the newest ($CHECK_MSG)" test $CHECKED -eq 0
	check "ddb shuffled: some revisions came late (stale)" test "$(grep -c '"stale"' "$TMP/st")" -gt 0
}

# throttling, 500s, answers lost after the write, dropped connections, with
# credentials from the instance-metadata stand-in (session tokens) and every
# signature checked by botocore
ddb_faults() {
	local F M rc
	standin meta meta --expires-in 3600 || { fail "meta stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	standin front ddb "127.0.0.1:$DDB_PORT" --faults 4000 --rate 0.3 \
		--kinds throttle,500,500-after,drop || { fail "ddb front" "did not start"; return; }
	F=http://127.0.0.1:$SPORT
	python3 tests/gen-lines.py 1000 3 | shuf --random-source=<(yes 1) >"$TMP/fl"
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$TMP/nohome" AWS_REGION=us-east-1 \
		AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$DP" -t quake-fl -e "$F" --create-table --max-attempts 20 \
		<"$TMP/fl" >"$TMP/st" 2>"$TMP/err"; rc=$?
	curl -s "$F/stats" >"$TMP/fstats"
	check "ddb faults: exit 0 ($(tail -1 "$TMP/err"))" test $rc -eq 0
	check "ddb faults: each line reported once, in order" in_order "$TMP/st" 3000
	ddb_check "$DDB" quake-fl "$TMP/fl"
	check "ddb faults: everything stored at its newest revision ($CHECK_MSG)" test $CHECKED -eq 0
	check "ddb faults: every fault kind happened" test "$(jq '[.fault_throttle, .fault_500, ."fault_500-after", .fault_drop] | map(. // 0) | min' "$TMP/fstats")" -gt 10
	check "ddb faults: botocore accepted every signature (session token signed)" \
		test "$(jq '.bad_signature // 0' "$TMP/fstats")" -eq 0 -a "$(jq '.requests' "$TMP/fstats")" -gt 3000
	check "ddb faults: credentials fetched once" test "$(curl -s "$M/stats" | jq .creds_imds)" -eq 1
	check "ddb faults: secrets never printed" test -z "$(grep -l 'secret-imds\|token-imds' "$TMP/st" "$TMP/err")"
	standin_stop front

	# a front that knows another secret: refused, refreshed once, then exit 78
	standin front ddb "127.0.0.1:$DDB_PORT" --secret other || { fail "ddb front" "did not start"; return; }
	head -1 tests/golden/ws-frames.ndjson | put -t quake-fl -e "http://127.0.0.1:$SPORT" >"$TMP/st" 2>"$TMP/err"; rc=$?
	check "ddb refused signature: exit 78, no status line" test $rc -eq 78 -a ! -s "$TMP/st"
	check "ddb refused signature: retried once with fresh credentials" test "$(curl -s "http://127.0.0.1:$SPORT/stats" | jq .bad_signature)" -eq 2
	standin_stop front
	standin_stop meta
}

ddb_errors() {
	local rc pid
	head -3 tests/golden/ws-frames.ndjson | put -t nosuch -e "$DDB" >"$TMP/st" 2>"$TMP/err"; rc=$?
	check "ddb missing table: exit 78, no status line" test $rc -eq 78 -a ! -s "$TMP/st"
	check "ddb missing table: one clear line" grep -q 'msg="cannot write the table" table=nosuch' "$TMP/err"
	# SIGTERM: stop reading, finish what is in flight, exit 0; the status
	# lines are a prefix of the input and each stored line is in the table
	standin front ddb "127.0.0.1:$DDB_PORT" --faults 100000 --rate 1 --kinds slow || { fail "ddb front" "did not start"; return; }
	python3 tests/gen-lines.py 3000 1 >"$TMP/slow"
	AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 "$DP" -t quake-sig \
		-e "http://127.0.0.1:$SPORT" --create-table -c 4 <"$TMP/slow" >"$TMP/st" 2>"$TMP/err" & pid=$!
	wait_for 30 at_least 8 "$TMP/st"
	kill -TERM $pid; wait $pid; rc=$?
	check "ddb SIGTERM: exit 0" test $rc -eq 0
	check "ddb SIGTERM: status lines are a prefix, in order" in_order "$TMP/st" "$(wc -l <"$TMP/st")"
	head -n "$(wc -l <"$TMP/st")" "$TMP/slow" >"$TMP/slow-done"
	ddb_check "$DDB" quake-sig "$TMP/slow-done"
	check "ddb SIGTERM: acknowledged lines are in the table, nothing else ($CHECK_MSG)" test $CHECKED -eq 0
	standin_stop front
}

# the archive read back: events over two years put with quake-ddb-put, a
# range read with quake-ddb-get is exactly the events in it (the newest
# revision of each, canonical bytes, by time)
ddb_get_range() {
	local G="$B/bin/quake-ddb-get" rc
	get() { AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 "$G" "$@"; }
	python3 tests/gen-years.py 3000 5 2024-12-01 730 >"$TMP/years"
	put -t quake-years -e "$DDB" --create-table -c 32 <"$TMP/years" >/dev/null 2>"$TMP/err"
	check "ddb-get: two years put: exit 0" test $? -eq 0
	get -t quake-years -e "$DDB" --since 2025-03-15T06:00:00Z --until 2026-02-01 >"$TMP/got" 2>"$TMP/err"; rc=$?
	ddb_get_want "$TMP/years" 2025-03-15T06:00:00.000000Z 2026-02-01T00:00:00.000000Z >"$TMP/want"
	check "ddb-get a range: exit 0 ($(tail -1 "$TMP/err"))" test $rc -eq 0
	check "ddb-get a range of 10 months: exactly the events in it, by time, canonical bytes ($(wc -l <"$TMP/want") of $(sort -u <"$TMP/years" | jq -r .id | sort -u | wc -l))" \
		cmp -s "$TMP/got" "$TMP/want"
	check "ddb-get a range: set equality too" test "$(sort "$TMP/got" | md5sum)" = "$(sort "$TMP/want" | md5sum)"
	get -t quake-years -e "$DDB" --since 2024-01-01 --until 2027-01-01 --minmagnitude 6 \
		--minlatitude -30 --maxlatitude 60 --minlongitude 100 --maxlongitude -60 >"$TMP/got" 2>"$TMP/err"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["mag"] >= 6 and -30 <= e["lat"] <= 60 and (e["lon"] >= 100 or e["lon"] <= -60):
        print(l, end="")' <(ddb_get_want "$TMP/years" 2024-01-01T00:00:00.000000Z 2027-01-01T00:00:00.000000Z) >"$TMP/want"
	check "ddb-get M6+ in a box across 180 over three years ($(wc -l <"$TMP/want") lines)" cmp -s "$TMP/got" "$TMP/want"
	# M4.5+ comes from the sparse sig-time-index (a month a Query, paged):
	# the same lines as the day index gives
	get -t quake-years -e "$DDB" --since 2024-12-01 --until 2027-01-01 --minmagnitude 4.5 >"$TMP/got" 2>"$TMP/err"
	ddb_get_want "$TMP/years" 2024-12-01T00:00:00.000000Z 2027-01-01T00:00:00.000000Z 4.5 >"$TMP/want"
	check "ddb-get M4.5+ over two years from the sparse sig-time-index ($(wc -l <"$TMP/want") lines, $(grep -o 'pages=[0-9]*' "$TMP/err"))" \
		cmp -s "$TMP/got" "$TMP/want"
	get -t quake-years -e "$DDB" --since 2024-12-01 --until 2027-01-01 --minmagnitude 4.5 --day-index >"$TMP/got2" 2>/dev/null
	check "ddb-get M4.5+ --day-index: the same lines" cmp -s "$TMP/got2" "$TMP/want"
	get -t quake-years -e "$DDB" --scan -c 8 2>/dev/null | sort >"$TMP/got"
	ddb_get_want "$TMP/years" 0 9 | sort >"$TMP/want"
	check "ddb-get --scan: the whole table ($(wc -l <"$TMP/want") events)" cmp -s "$TMP/got" "$TMP/want"
}

# qa_start PORT ARGS... <stdin: quake-map on PORT, waited for; QA_PID
qa_start() {
	local port=$1; shift
	"$B/bin/quake-map" --listen "127.0.0.1:$port" "$@" <&0 2>>"$TMP/qa-$port.err" & QA_PID=$!
	wait_for 30 curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"
}
qa_stop() { kill "$QA_PID" 2>/dev/null; wait "$QA_PID" 2>/dev/null; }

# quake-map --archive: FDSN over all time from the table and memory, ObsPy
# unmodified; a failing or slow table is a 503 saying why while in-window
# queries go on; without --archive, an answer says from when it holds
map_archive() {
	local P=${QUAKE_TEST_ARCHIVE_PORT:-18301} U code t0 py
	py=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-shake/bin/python
	export AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
	{ python3 tests/gen-years.py 3000 7 "$(date -u -d '-730 days' +%F)" 731
	  python3 tests/gen-years.py 600 8 "$(date -u -d '-3650 days' +%F)" 2900 | sed 's/"id":"\([0-9]*\)_/"id":"\1d_/'
	} >"$TMP/arch"
	put -t quake-arch -e "$DDB" --create-table -c 32 <"$TMP/arch" >/dev/null 2>&1
	check "archive: events of a decade put: exit 0" test $? -eq 0
	# the map holds its 30 days (the lines older than that are outside)
	qa_start $P --window 30d --archive quake-arch -e "$DDB" <"$TMP/arch" || { fail "archive: quake-map starts" "$(tail -2 "$TMP/qa-$P.err")"; return; }
	U=http://127.0.0.1:$P/fdsnws/event/1
	wait_for 30 test "$(curl -s "$U/count")" -gt 0
	if "$py" -c 'import obspy' 2>/dev/null; then
		py_checks archive timeout 300 "$py" tests/archive-check.py "http://127.0.0.1:$P" "$TMP/arch"
	else
		fail "archive: obspy as the FDSN client" "no ObsPy in $py: run scripts/install-deps"
	fi
	# /summary by day over a year: the table's days and the held ones
	curl -s "http://127.0.0.1:$P/summary?bin=1d&starttime=$(date -u -d '-365 days' +%F)" >"$TMP/summary"
	check "archive: /summary?bin=1d over a year counts every event by day and band, from the table and memory" \
		python3 -c '
import datetime, json, sys
d = json.load(open(sys.argv[1]))
best = {}
for l in open(sys.argv[2]):
    e = json.loads(l)
    if e["id"] not in best or best[e["id"]]["lastupdate"] < e["lastupdate"]:
        best[e["id"]] = e
start = d["start"][:10]
want = {}
for e in best.values():
    if e["time"][:10] >= start and e["time"] <= d["end"]:
        day = (datetime.date.fromisoformat(e["time"][:10]) - datetime.date.fromisoformat(start)).days
        b = 0 if e["mag"] < 2 else 1 if e["mag"] < 4 else 2 if e["mag"] < 6 else 3
        want.setdefault(day, [0, 0, 0, 0])[b] += 1
got = {i: c for i, c in enumerate(d["counts"]) if any(c)}
assert d["bin"] == "1d" and len(d["counts"]) >= 365 and got == want, (len(got), len(want))
' "$TMP/summary" "$TMP/arch"
	qa_stop

	# a table that is not there: 503, the body says why
	qa_start $P --window 30d --archive nosuch -e "$DDB" </dev/null || { fail "archive: quake-map starts" ""; return; }
	code=$(curl -s -o "$TMP/body" -w '%{http_code}' "$U/query?starttime=2020-01-01&endtime=2020-01-03")
	check "archive: a missing table is a 503" test "$code" = 503
	check "archive: its body says why ($(head -c 160 "$TMP/body"))" grep -q 'archive (DynamoDB table nosuch) could not be read: .*ResourceNotFound' "$TMP/body"
	qa_stop

	# a table that answers slowly: 503 after --archive-timeout, and in the
	# meantime the in-window queries and the stream are answered
	standin front ddb "127.0.0.1:$DDB_PORT" --faults 100000 --rate 1 --kinds slow || { fail "ddb front" "did not start"; return; }
	qa_start $P --window 30d --archive quake-arch -e "http://127.0.0.1:$SPORT" --archive-timeout 8 <"$TMP/arch" || { fail "archive: quake-map starts" ""; return; }
	wait_for 30 test "$(curl -s "$U/count")" -gt 0
	t0=$(date +%s)
	curl -s -o "$TMP/slow" -w '%{http_code}' "$U/query?starttime=2018-01-01&endtime=2026-01-01" >"$TMP/slowcode" &
	local cpid=$!
	sleep 1
	code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$U/count?minmagnitude=1")
	check "archive: an in-window query is answered while the table is slow" test "$code" = 200
	code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/healthz")
	check "archive: healthz answers meanwhile" test "$code" = 200
	wait $cpid
	check "archive: a slow table is a 503 ($(cat "$TMP/slowcode"), $(($(date +%s) - t0)) s)" test "$(cat "$TMP/slowcode")" = 503
	check "archive: the body says the table did not answer in time" grep -q 'did not answer in time' "$TMP/slow"
	qa_stop
	standin_stop front

	# no --archive: a query before the window says from when events are held
	qa_start $P --window 30d <"$TMP/arch" || { fail "archive: quake-map starts" ""; return; }
	curl -s -D "$TMP/hdr" -o /dev/null "$U/query?starttime=2020-01-01&endtime=2020-01-05"
	check "no archive: a query before the window is not a silent 204 (Warning: held from ...)" \
		grep -qi '^warning: 299 quake-map "events are held from 20' "$TMP/hdr"
	code=$(curl -s -o "$TMP/body" -w '%{http_code}' "$U/query?starttime=2020-01-01&endtime=2020-01-05&nodata=404")
	check "no archive: nodata=404 says it in the body" grep -q 'older ones are in the archive' "$TMP/body"
	qa_stop
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
}

# map_archive needs DynamoDB Local: run with the ddb cases
ddb_map_archive() { map_archive; }
