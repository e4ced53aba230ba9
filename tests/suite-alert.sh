# suite-alert — quake-alert: the geometry against pyproj and shapely (and
# lib/places' nearest place and direction against pyproj), and
# the binary against a Standard Webhooks receiver (signatures verified by
# the standardwebhooks package) and an ntfy-shaped one, both on 127.0.0.1
# (a free port per case: worktrees and CI may run the suite at once).
# Every alert_* function is a case; each bounded in time. Python packages
# come from scripts/install-deps' venv-alert.
ALERT_VENV=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-alert
ALERT_PY=$ALERT_VENV/bin/python
ALERT=$B/bin/quake-alert
# qa_wait SECONDS CMD...: poll CMD until it succeeds; SECONDS (30 or more)
# is a hang guard, never a speed asserted
qa_wait() { local t=$(($1 * 10)); shift; while ! "$@"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.1; done; }
# a port nothing listens on now
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# qa_dir NAME: a fresh directory D with a secret, a token and rules.json
# (tokyo: webhook with downgrade; greece: ntfy with a token)
qa_dir() {
	D=$TMP/alert-$1
	rm -rf "$D"; mkdir -p "$D"
	ALERT_PORT=$(free_port)
	SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
	TOKEN="tk_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	printf '%s\n' "$SECRET" >"$D/secret"
	printf '%s\n' "$TOKEN" >"$D/token"
	chmod 600 "$D/secret" "$D/token"
	cat >"$D/rules.json" <<-J
	{"rules": [
	 {"name": "tokyo", "minmagnitude": 4.5, "circle": {"lat": 35.68, "lon": 139.69, "radius_km": 300},
	  "evtype": {"exclude": ["qb", "ex"]}, "updates": "downgrade",
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/tokyo", "secret_file": "$D/secret"}},
	 {"name": "greece", "minmagnitude": 4.5, "rectangle": {"minlat": 34, "maxlat": 42, "minlon": 19, "maxlon": 30},
	  "ntfy": {"url": "http://127.0.0.1:$ALERT_PORT/ntfy/greece", "token_file": "$D/token"}}]}
	J
}

# receiver_start [ARGS...]: the receiver on ALERT_PORT logging to $D/recv.log
receiver_start() {
	"$ALERT_PY" tests/alert-receiver.py "$ALERT_PORT" "$D/recv.log" --secret "$SECRET" \
	    --token "$TOKEN" "$@" >"$D/recv.out" 2>&1 &
	RECV_PID=$!
	local i
	for i in $(seq 50); do grep -q ready "$D/recv.out" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
receiver_stop() { kill "$RECV_PID" 2>/dev/null; wait "$RECV_PID" 2>/dev/null; RECV_PID=; }

# status_lines FILE: "LINE STATUS" of quake-alert's output
status_lines() { jq -r '"\(.line) \(.status)"' "$1"; }

alert_geo_ref() {
	local out rc
	out=$("$ALERT_PY" tests/geo_ref.py "$B/tests/geo_eval" 2>&1); rc=$?
	check "geo against pyproj and shapely: $(printf '%s' "$out" | tail -1)" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -5
}

# lib/places over the built gazetteer against brute force and pyproj
alert_places_ref() {
	local out rc
	out=$("$ALERT_PY" tests/places_ref.py "$B/tests/places_eval" "$B/share/quake/places.tsv" 2>&1); rc=$?
	check "places against brute force and pyproj: $(printf '%s' "$out" | tail -1)" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -5
}

# the recorded revisions: exactly the notices of the contract, signed,
# each status line in order; a replay of it sends nothing
alert_revisions() {
	local rc want got
	qa_dir revisions
	receiver_start || { fail "alert receiver starts" "$(cat "$D/recv.out")"; return; }
	timeout 30 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d \
	    <tests/data/alert/revisions.ndjson >"$D/out" 2>"$D/err"; rc=$?
	check "alert revisions: exit 0 ($(tail -1 "$D/err"))" test "$rc" -eq 0
	check "alert revisions: one status line per line, in order, as the contract says" \
	    diff <(cut -d' ' -f1-2 tests/data/alert/revisions.expected) <(status_lines "$D/out")
	want=$(awk 'NF > 2 && $3 == "tokyo" { print $3, $4, $5 }' tests/data/alert/revisions.expected)
	got=$("$ALERT_PY" tests/alert-report.py "$D/recv.log" | awk '$2 != "ntfy" { print $1, $2, $3 }')
	check "alert revisions: the webhook got new, upgraded, upgraded, cancelled" test "$got" = "$want"
	check "alert revisions: every webhook verified by standardwebhooks" \
	    test "$("$ALERT_PY" tests/alert-report.py "$D/recv.log" | awk '$2 != "ntfy" && $NF != "True"' | wc -l)" -eq 0
	got=$("$ALERT_PY" tests/alert-report.py "$D/recv.log" | awk '$2 == "ntfy"')
	# the title says where as USGS does, from the built gazetteer
	check "alert revisions: ntfy got two notices with title, priority and the token ($got)" \
	    test "$got" = "greece ntfy M4.6 2 km N of Áno Liósia, Greece 3 True
greece ntfy Upgraded: M5.1 2 km N of Áno Liósia, Greece 3 True"
	check "alert revisions: ntfy click URL is the EMSC event page" \
	    grep -q '"Click": "https://www.seismicportal.eu/eventdetails.html?unid=20240101_0000002"' "$D/recv.log"
	check "alert revisions: the token is never logged" not_grep "$TOKEN" "$D/err"
	check "alert revisions: the secret is never logged" not_grep "${SECRET#whsec_}" "$D/err"
	cp "$D/recv.log" "$D/recv.first"
	timeout 30 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d \
	    <tests/data/alert/revisions.ndjson >"$D/out2" 2>"$D/err2"; rc=$?
	check "alert replay: exit 0" test "$rc" -eq 0
	check "alert replay: every line skipped" test "$(jq -r .status "$D/out2" | sort -u)" = skipped
	check "alert replay: nothing sent" cmp -s "$D/recv.log" "$D/recv.first"
	receiver_stop
}
not_grep() { ! grep -qF -- "$1" "$2"; }
quiet() { "$@" >/dev/null 2>&1; }

# field N of the receiver's log: "n t status webhook_id" per request
recv_requests() { jq -r '"\(.n) \(.t) \(.status) \(.webhook_id)"' "$D/recv.log"; }

# bad lines among good ones: each rejected (65), the rest judged as before
alert_bad_lines() {
	local rc
	qa_dir badlines
	receiver_start || { fail "alert receiver starts" "$(cat "$D/recv.out")"; return; }
	{ sed -n 1,2p tests/data/alert/revisions.ndjson; echo 'not json'; echo '{"id":"x"}'
	  printf '{"kind":"detection","id":"","time":"x"}\n'; sed -n 3,7p tests/data/alert/revisions.ndjson
	  head -c 2000000 /dev/zero | tr '\0' 'a'; echo; sed -n '8,$p' tests/data/alert/revisions.ndjson; } >"$D/in"
	timeout 30 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d \
	    --dead-letter "$D/dead" <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert bad lines: exit 65" test "$rc" -eq 65
	check "alert bad lines: four rejected, the rest as the contract says" \
	    test "$(jq -r 'select(.status != "rejected") | .status' "$D/out" | tr '\n' ' ')" = \
	    "$(cut -d' ' -f2 tests/data/alert/revisions.expected | tr '\n' ' ')"
	check "alert bad lines: every status line parses as quake-consume reads it" \
	    test "$("$B/tests/ack_check" <"$D/out")" = "ok 19"
	check "alert bad lines: status lines numbered as the input" \
	    test "$(jq -r 'select(.status == "rejected") | .line' "$D/out" | tr '\n' ' ')" = "3 4 5 11 "
	check "alert bad lines: one stderr line per rejected line" test "$(grep -c 'msg=rejected' "$D/err")" -eq 4
	check "alert bad lines: three in the dead-letter file (the long one is not kept)" \
	    test "$(wc -l <"$D/dead")" -eq 3
	check "alert bad lines: six notices still sent" test "$(grep -c '"status": 200' "$D/recv.log")" -eq 6
	receiver_stop
}

# the receiver down at first, then up: every notice delivered once, in order
alert_down_then_back() {
	local pid rc
	qa_dir down
	timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d \
	    <tests/data/alert/revisions.ndjson >"$D/out" 2>"$D/err" & pid=$!
	# barrier: its first notice refused once (the first retry is logged);
	# the lines behind it wait however long that took
	qa_wait 30 grep -q 'msg=retrying' "$D/err"
	check "alert down: only the line before the first alert acknowledged while it is down" \
	    test "$(status_lines "$D/out")" = "1 skipped"
	receiver_start || { fail "alert receiver starts" "$(cat "$D/recv.out")"; kill "$pid"; return; }
	wait "$pid"; rc=$?
	check "alert down then back: exit 0" test "$rc" -eq 0
	check "alert down then back: retried (logged)" grep -q 'msg=retrying' "$D/err"
	check "alert down then back: status lines as the contract says" \
	    diff <(cut -d' ' -f1-2 tests/data/alert/revisions.expected) <(status_lines "$D/out")
	check "alert down then back: six notices, each once" \
	    test "$("$ALERT_PY" tests/alert-report.py --ids "$D/recv.log" | sort -u | wc -l)" -eq 6 -a \
	    "$(grep -c '"status": 200' "$D/recv.log")" -eq 6
	check "alert down then back: the webhook's in order" test "$("$ALERT_PY" tests/alert-report.py "$D/recv.log" |
	    awk '$2 != "ntfy" { printf "%s%s ", $2, $3 }')" = "new0 upgraded1 upgraded3 cancelled3 "
	receiver_stop
}

# 429 with Retry-After: 2 twice, then 200; 500s retried with backoff
alert_retry_after() {
	local rc gaps
	qa_dir retry
	jq '.rules |= [.[0]]' "$D/rules.json" >"$D/one.json"
	receiver_start --fail 2 --fail-status 429 --retry-after 2 || { fail "alert receiver starts"; return; }
	sed -n 1,2p tests/data/alert/revisions.ndjson >"$D/in"
	timeout 30 "$ALERT" --rules "$D/one.json" --state "$D/state" --window 36500d <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert 429: exit 0, alerted" test "$rc" -eq 0 -a "$(jq -r .status "$D/out" | tail -1)" = alerted
	gaps=$(recv_requests | awk 'NR > 1 { printf "%d ", ($2 - t) * 10 } { t = $2 }')
	check "alert 429: Retry-After honoured, 2 s between the tries ($gaps tenths)" \
	    awk -v g="$gaps" 'BEGIN { n = split(g, a, " "); exit !(n == 2 && a[1] >= 19 && a[2] >= 19 && a[1] < 60) }'
	check "alert 429: the same webhook-id each try" test "$(recv_requests | cut -d' ' -f4 | sort -u | wc -l)" -eq 1
	receiver_stop
	qa_dir retry500
	jq '.rules |= [.[0]]' "$D/rules.json" >"$D/one.json"
	receiver_start --fail 3 --fail-status 500 || { fail "alert receiver starts"; return; }
	sed -n 1,2p tests/data/alert/revisions.ndjson >"$D/in"
	timeout 30 "$ALERT" --rules "$D/one.json" --state "$D/state" --window 36500d <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert 500: delivered on the fourth try" test "$rc" -eq 0 -a "$(recv_requests | awk '$3 == 200' | wc -l)" -eq 1 \
	    -a "$(recv_requests | wc -l)" -eq 4
	receiver_stop
	# a Retry-After of 10^14 s (libcurl takes it as it is): capped, no
	# overflow (UBSan stops the SAN build on one), the last try at --give-up
	qa_dir retryhuge
	jq '.rules |= [.[0]]' "$D/rules.json" >"$D/one.json"
	receiver_start --fail 1 --fail-status 429 --retry-after 100000000000000 || { fail "alert receiver starts"; return; }
	sed -n 1,2p tests/data/alert/revisions.ndjson >"$D/in"
	timeout 30 "$ALERT" --rules "$D/one.json" --state "$D/state" --window 36500d --give-up 2s \
	    <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert 429 with a huge Retry-After: its last try at --give-up delivers (rc $rc)" \
	    test "$rc" -eq 0 -a "$(jq -r .status "$D/out" | tail -1)" = alerted -a "$(recv_requests | wc -l)" -eq 2
	receiver_stop
}

# a target that stays down: its notices given up after --give-up (dead
# letter, undelivered, 69); the other target's notices are not held up
alert_give_up() {
	local rc late first t0
	qa_dir giveup
	sed -i "s|127.0.0.1:$ALERT_PORT/hook|127.0.0.1:$(free_port)/hook|" "$D/rules.json"
	receiver_start || { fail "alert receiver starts"; return; }
	# each status line stamped with the time it was read: the undelivered
	# ones come when the dead target is given up (--give-up 3s)
	t0=$(date +%s.%N)
	timeout 30 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d --give-up 3s \
	    --dead-letter "$D/dead" <tests/data/alert/revisions.ndjson 2>"$D/err" |
	    python3 -c 'import sys, time
with open(sys.argv[1], "w") as o, open(sys.argv[2], "w") as s:
    for l in sys.stdin:
        o.write(l); o.flush(); s.write("%.6f %s" % (time.time(), l)); s.flush()' "$D/out" "$D/out.t"
	rc=${PIPESTATUS[0]}
	check "alert give up: exit 69" test "$rc" -eq 69
	check "alert give up: the tokyo lines undelivered, naming the rule" \
	    test "$(jq -r 'select(.status == "undelivered") | "\(.line) \(.error[0:6])"' "$D/out" | tr '\n' ' ')" = \
	    "2 tokyo: 6 tokyo: 10 tokyo: 13 tokyo: "
	check "alert give up: four notices in the dead-letter file" \
	    test "$(jq -r 'select(.kind == "undelivered") | .body.kind' "$D/dead" | tr '\n' ' ')" = "new upgraded upgraded cancelled "
	check "alert give up: reported on stderr" test "$(grep -c 'msg="alert given up"' "$D/err")" -eq 4
	# not held up: every notice to the live target is in before the dead
	# target's first notice is given up (an order, not a speed)
	late=$(jq -r 'select(.status == 200) | .t' "$D/recv.log" | sort -n | tail -1)
	first=$(grep -m1 '"undelivered"' "$D/out.t" | cut -d' ' -f1)
	check "alert give up: the live target's notices all arrive before the dead one is given up ($late < $first)" \
	    awk -v a="${late:-x}" -v b="${first:-x}" 'BEGIN { exit !(a != "x" && b != "x" && a + 0 < b + 0) }'
	# a lower bound, never flaky: a slow machine only gives up later
	check "alert give up: not before --give-up (3 s after the start)" \
	    awk -v a="$t0" -v b="${first:-x}" 'BEGIN { exit !(b != "x" && b - a >= 3) }'
	receiver_stop
}

# detection lines: "phones near X are shaking" (X the gazetteer's nearest
# place), once per detection id
alert_detection() {
	local rc
	qa_dir detection
	jq --arg u "http://127.0.0.1:$ALERT_PORT/hook/phones" --arg s "$D/secret" \
	    '.rules += [{"name":"phones","detections":true,"minmagnitude":9.9,
	      "circle":{"lat":35.68,"lon":139.69,"radius_km":100},"webhook":{"url":$u,"secret_file":$s}}]' \
	    "$D/rules.json" >"$D/r.json"
	receiver_start || { fail "alert receiver starts"; return; }
	now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
	det='{"kind":"detection","id":"shake-X-0001","time":"'$now'","lat":35.70,"lon":139.75,"devices":4,"peak":2.5,"radius_km":3.1}'
	far='{"kind":"detection","id":"shake-X-0002","time":"'$now'","lat":10.0,"lon":10.0,"devices":3,"peak":1.5,"radius_km":2.0}'
	trig='{"kind":"trigger","device":"d1","on":"'$now'","off":"'$now'","peak":1.0,"ratio":4.0}'
	printf '%s\n' "$det" "$trig" "$det" "$far" >"$D/in"
	timeout 30 "$ALERT" --rules "$D/r.json" --state "$D/state" <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert detection: exit 0" test "$rc" -eq 0
	check "alert detection: alerted once, the rest skipped" \
	    test "$(jq -r .status "$D/out" | tr '\n' ' ')" = "alerted skipped skipped skipped "
	check "alert detection: 'phones near Tokyo are shaking', signed" \
	    test "$(jq -r 'select(.status == 200) | (.body | fromjson | .message[0:29]) + " " + (.verified | tostring)' "$D/recv.log")" = \
	    "phones near Tokyo are shaking true"
	receiver_stop
}

# rules files with mistakes: 78 and one line naming the rule and the field
alert_rules_errors() {
	local rc out
	qa_dir rules
	check "alert --check: good rules exit 0" quiet "$ALERT" --rules "$D/rules.json" --check
	while IFS='|' read -r json rule field; do
		printf '%s\n' "$json" >"$D/bad.json"
		out=$("$ALERT" --rules "$D/bad.json" --state "$D/state" </dev/null 2>&1 >/dev/null); rc=$?
		check "alert bad rules ($rule $field): 78, one line naming them ($out)" \
		    test "$rc" -eq 78 -a "$(printf '%s\n' "$out" | wc -l)" -eq 1 -a \
		    -n "$(printf '%s' "$out" | grep -F "rule=$rule field=$field")"
	done <<-'E'
	[{"name":"a","minmagnitude":"5","ntfy":"http://x/t"}]|a|minmagnitude
	[{"name":"ok","ntfy":"http://x/t"},{"name":"b","circle":{"lat":1,"lon":2},"ntfy":"http://x/t"}]|b|circle.radius_km
	[{"name":"c","ntfy":"http://x/t","colour":"red"}]|c|colour
	[{"name":"d","night_minmagnitude":5,"night":{"from":"22:00","to":"7","tz":"Asia/Tokyo"},"ntfy":"http://x/t"}]|d|night.to
	[{"minmagnitude":5}]|#1|name
	E
	printf '[{"name":"e","polygon":"no-such.geojson","ntfy":"http://x/t"}]\n' >"$D/bad.json"
	out=$("$ALERT" --rules "$D/bad.json" --check 2>&1); rc=$?
	check "alert bad rules: a polygon file that is not there: 78 ($out)" test "$rc" -eq 78
	"$ALERT" --rules "$D/rules.json" </dev/null >/dev/null 2>&1; rc=$?
	check "alert without --state: 64" test "$rc" -eq 64
	chmod 640 "$D/secret"
	out=$("$ALERT" --rules "$D/rules.json" --check 2>&1); rc=$?
	check "alert secret readable by the group: 78 ($out)" test "$rc" -eq 78 -a -n "$(printf '%s' "$out" | grep 'chmod 600')"
	chmod 600 "$D/secret"; printf 'not-a-secret\n' >"$D/secret"
	out=$("$ALERT" --rules "$D/rules.json" --check 2>&1); rc=$?
	check "alert secret without whsec_: 78" test "$rc" -eq 78
	"$ALERT" --rules "$D/none.json" --check >/dev/null 2>&1; rc=$?
	check "alert rules file missing: 78" test "$rc" -eq 78
	"$ALERT" --name one --minmagnitude 5 --circle 35,139,100 --webhook http://127.0.0.1:9/h \
	    --secret-file "$D/token" --check >/dev/null 2>&1; rc=$?
	check "alert rule from flags, a token as the webhook secret: 78" test "$rc" -eq 78
	"$ALERT" --name one --minmagnitude 5 --circle 35,139,100 --ntfy http://127.0.0.1:9/t \
	    --token-file "$D/token" --check >/dev/null 2>&1; rc=$?
	check "alert rule from flags: --check 0" test "$rc" -eq 0
	"$ALERT" --name one --circle 35,139 --ntfy http://127.0.0.1:9/t --check >/dev/null 2>&1; rc=$?
	check "alert rule from flags: --circle with two numbers: 64" test "$rc" -eq 64
}

# kill -9 at random points of a 2,000-line run, restarted from the first
# unacknowledged line (as Kafka redelivers): the receiver sees every notice
# an uninterrupted run sends, and a repeat only with the same webhook-id
alert_kill9() {
	local pos=0 round=0 pid acked rc want got extra
	qa_dir kill9
	python3 tests/alert-lines.py 2000 7 >"$D/lines"
	receiver_start || { fail "alert receiver starts"; return; }
	timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state.ref" <"$D/lines" >"$D/out.ref" 2>"$D/err.ref"
	"$ALERT_PY" tests/alert-report.py --ids "$D/recv.log" | sort -u >"$D/want"
	receiver_stop
	: >"$D/recv.log"
	receiver_start --delay 2 || { fail "alert receiver starts"; return; }
	while [ "$pos" -lt 2000 ] && [ "$round" -lt 12 ]; do
		round=$((round + 1))
		tail -n +"$((pos + 1))" "$D/lines" | "$ALERT" --rules "$D/rules.json" --state "$D/state" \
		    >"$D/out.$round" 2>>"$D/err" & pid=$!
		sleep "0.$((RANDOM % 6 + 1))"
		kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		acked=$(grep -c '}$' "$D/out.$round")
		pos=$((pos + acked))
	done
	tail -n +"$((pos + 1))" "$D/lines" | timeout 120 "$ALERT" --rules "$D/rules.json" \
	    --state "$D/state" >"$D/out.last" 2>>"$D/err"; rc=$?
	check "alert kill -9: the last run ends 0 after $round kills" test "$rc" -eq 0
	check "alert kill -9: 2000 lines acknowledged over the runs" \
	    test "$(cat "$D"/out.[0-9]* "$D/out.last" | grep -c '}$')" -ge 2000
	"$ALERT_PY" tests/alert-report.py --ids "$D/recv.log" | sort >"$D/got.all"
	sort -u "$D/got.all" >"$D/got"
	want=$(wc -l <"$D/want"); got=$(wc -l <"$D/got")
	extra=$(($(wc -l <"$D/got.all") - got))
	check "alert kill -9: every one of the $want notices seen ($got distinct, $extra repeats)" \
	    cmp -s "$D/want" "$D/got"
	check "alert kill -9: every request verified" \
	    test "$(jq -r 'select(.verified == false)' "$D/recv.log" | wc -l)" -eq 0
	check "alert kill -9: more than 100 notices in the run" test "$want" -gt 100
	receiver_stop
}

suite_alert() {
	if ! "$ALERT_PY" -c 'import pyproj, shapely, standardwebhooks' 2>/dev/null; then
		fail alert-venv "no $ALERT_VENV with pyproj, shapely, standardwebhooks: run scripts/install-deps"
		return 0
	fi
	run_cases alert_
}

# issue 28.9: 100,000 rules are checked (names sorted, not pairwise) well
# inside a hang guard, and SIGTERM is honoured while a large file loads
alert_rules_many() {
	local rc pid out i
	qa_dir many
	python3 -c '
import json, sys
def rules(n):
    return [{"name": "r%06d" % i, "minmagnitude": 4,
             "circle": {"lat": 45, "lon": 7, "radius_km": 100},
             "webhook": {"url": "http://127.0.0.1:9/h", "secret_file": sys.argv[1] + "/secret"}}
            for i in range(n)]
json.dump(rules(100000), open(sys.argv[1] + "/r100k.json", "w"))
r = rules(300000); r.append(dict(r[7]))
json.dump(r, open(sys.argv[1] + "/r300k.json", "w"))' "$D"
	out=$(timeout 60 "$ALERT" --rules "$D/r100k.json" --check 2>&1); rc=$?
	check "alert: 100,000 rules checked within the 60 s guard ($rc $out)" \
		eval 'test $rc -eq 0 && grep -q "rules=100000" <<<"$out"'
	out=$(timeout 120 "$ALERT" --rules "$D/r300k.json" --check 2>&1); rc=$?
	check "alert: 300,001 rules, the last one named as the first: 78 naming it ($rc $out)" \
		eval 'test $rc -eq 78 && grep -q "rule=r000007 field=name" <<<"$out"'
	"$ALERT" --rules "$D/r300k.json" --state "$D/state" </dev/null >/dev/null 2>"$D/term.err" & pid=$!
	# once its SIGTERM handler is set (SigCgt bit 15), while it loads
	for i in $(seq 3000); do
		[ $(( 0x$(awk '/^SigCgt/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) & 0x4000 )) -ne 0 ] && break
		sleep 0.01
	done
	kill -TERM "$pid"
	timeout 30 tail --pid="$pid" -f /dev/null; wait "$pid"; rc=$?
	check "alert: SIGTERM while loading 300,001 rules: exit 0, saying so ($rc $(head -c 200 "$D/term.err"))" \
		eval 'test $rc -eq 0 && grep -q "stopped while loading the rules" "$D/term.err"'
}

# issue 28.11: a notice is journaled as it is delivered, not once every
# earlier line is done. One Greece notice held by a slow ntfy target, ten
# Tokyo webhooks delivered behind it; kill -9; the restart (Kafka
# redelivers every line) repeats the Greece one only, not the ten.
alert_journal_delivered() {
	local pa pb rc i n pid sa sb
	qa_dir journal
	pa=$ALERT_PORT; pb=$(free_port)
	sed -i "s|127.0.0.1:$pa/hook/tokyo|127.0.0.1:$pb/hook/tokyo|" "$D/rules.json"
	python3 -c '
import json, time
now = time.time()
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000000Z"
def ev(i, lat, lon, region):
    return json.dumps({"id": "20261201_%07d" % i, "action": "update", "time": iso(now - 600 + i),
        "lastupdate": iso(now - 300 + i), "lat": lat, "lon": lon, "depth": 10.0, "mag": 5.0,
        "magtype": "mb", "region": region, "evtype": "ke", "auth": "EMSC",
        "source_catalog": "EMSC-RTS", "source_id": str(i)}, separators=(",", ":"))
print(ev(0, 38.0, 23.5, "GREECE"))
for i in range(1, 11):
    print(ev(i, 35.7, 139.7, "NEAR COAST OF HONSHU, JAPAN"))' >"$D/lines"
	"$ALERT_PY" tests/alert-receiver.py "$pa" "$D/slow.log" --secret "$SECRET" --token "$TOKEN" \
	    --delay 60000 >"$D/slow.out" 2>&1 & sa=$!
	"$ALERT_PY" tests/alert-receiver.py "$pb" "$D/fast.log" --secret "$SECRET" --token "$TOKEN" \
	    >"$D/fast.out" 2>&1 & sb=$!
	for i in $(seq 50); do grep -q ready "$D/slow.out" "$D/fast.out" 2>/dev/null &&
	    [ "$(grep -l ready "$D/slow.out" "$D/fast.out" | wc -l)" -eq 2 ] && break; sleep 0.1; done
	rm -f "$D/in"; mkfifo "$D/in"
	"$ALERT" --rules "$D/rules.json" --state "$D/state" <"$D/in" >"$D/out.1" 2>"$D/err.1" & pid=$!
	exec 9>"$D/in"; cat "$D/lines" >&9
	# the ten webhooks answered and (after the fix) their marks in the state
	for i in $(seq 300); do
		n=$(grep -c '"rule":"tokyo"' "$D/state" 2>/dev/null)
		[ "${n:-0}" -ge 10 ] && break; sleep 0.1
	done
	check "alert journal: the ten delivered Tokyo notices are in the state while Greece's is in flight (${n:-0})" \
		test "${n:-0}" -ge 10 -a "$(grep -c tokyo "$D/fast.log")" -eq 10
	check "alert journal: no status line yet (line 1 waits for Greece)" test ! -s "$D/out.1"
	kill -9 "$pid"; wait "$pid" 2>/dev/null; exec 9>&-
	kill "$sa" 2>/dev/null; wait "$sa" 2>/dev/null
	"$ALERT_PY" tests/alert-receiver.py "$pa" "$D/slow.log" --secret "$SECRET" --token "$TOKEN" \
	    >"$D/slow.out" 2>&1 & sa=$!
	for i in $(seq 50); do grep -q ready "$D/slow.out" 2>/dev/null && break; sleep 0.1; done
	timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state" <"$D/lines" >"$D/out.2" 2>"$D/err.2"; rc=$?
	check "alert journal: the restart ends 0, 11 status lines ($rc)" test "$rc" -eq 0 -a "$(wc -l <"$D/out.2")" -eq 11
	check "alert journal: after kill -9, no Tokyo notice repeated ($(grep -c tokyo "$D/fast.log") seen, 10 distinct)" \
		test "$(grep -c tokyo "$D/fast.log")" -eq 10
	check "alert journal: Greece's notice (in flight at the kill) delivered on restart" \
		test "$(grep -c greece "$D/slow.log")" -ge 1
	kill "$sa" "$sb" 2>/dev/null; wait "$sa" "$sb" 2>/dev/null
}

# --- issue 27.2-5: several targets, email, what a notice says, aftershocks, --test

# smtp_start [ARGS...]: aiosmtpd (tests/smtp-server.py) on SMTP_PORT with a
# fresh self-signed certificate for 127.0.0.1 ($D/cert.pem), logging to
# $D/smtp.log; the auth file $D/smtp-auth (quake:pw-<random>) is owner-only
smtp_start() {
	SMTP_PORT=$(free_port)
	[ -f "$D/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" \
	    -out "$D/cert.pem" -days 2 -subj /CN=localhost \
	    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
	[ -f "$D/smtp-auth" ] || { printf 'quake:pw-%s\n' "$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$D/smtp-auth"
	    chmod 600 "$D/smtp-auth"; }
	"$ALERT_PY" tests/smtp-server.py "$SMTP_PORT" "$D/smtp.log" --cert "$D/cert.pem" --key "$D/key.pem" \
	    --auth "$(cat "$D/smtp-auth")" "$@" >"$D/smtp.out" 2>&1 &
	SMTP_PID=$!
	qa_wait 30 grep -qs ready "$D/smtp.out"
}
smtp_stop() { kill "$SMTP_PID" 2>/dev/null; wait "$SMTP_PID" 2>/dev/null; SMTP_PID=; }

# events_near_lisbon FILE: a new M5.1 off Lisbon (an hour ago) and its
# revision to M5.7 (one band up for an M4 rule)
events_near_lisbon() {
	python3 -c '
import json, time
now = time.time()
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000000Z"
for lu, mag in ((now - 3000, 5.1), (now - 2000, 5.7)):
    print(json.dumps({"id": "20261207_0000074", "action": "update", "time": iso(now - 3600),
        "lastupdate": iso(lu), "lat": 38.1, "lon": -9.5, "depth": 12.0, "mag": mag, "magtype": "mw",
        "region": "PORTUGAL", "evtype": "ke", "auth": "EMSC", "source_catalog": "EMSC-RTS",
        "source_id": "74"}, separators=(",", ":")))' >"$1"
}

# lisbon_rules [SMTP_URL]: rules.json with one rule of three targets
# (webhook, ntfy, email) in Lisbon's zone, and one named area (ntfy only)
lisbon_rules() {
	cat >"$D/rules.json" <<-J
	{"rules": [
	 {"name": "lisbon", "minmagnitude": 4, "tz": "Europe/Lisbon",
	  "circle": {"lat": 38.72, "lon": -9.14, "radius_km": 300},
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/lisbon", "secret_file": "$D/secret"},
	  "ntfy": {"url": "http://127.0.0.1:$ALERT_PORT/ntfy/lisbon", "token_file": "$D/token"},
	  "email": {"url": "${1:-smtp://127.0.0.1:$SMTP_PORT}", "from": "quake@example.org",
	            "to": ["ana@example.org", "rui@example.org"], "auth_file": "$D/smtp-auth", "ca_file": "$D/cert.pem"}},
	 {"name": "area", "minmagnitude": 4, "place": "Lisbon", "circle": {"lat": 38.72, "lon": -9.14, "radius_km": 300},
	  "ntfy": {"url": "http://127.0.0.1:$ALERT_PORT/ntfy/area", "token_file": "$D/token"}}]}
	J
}

# mail_check LOG: the headers and body of every accepted mail, as python's
# email package reads them: "ok N" or what is wrong
mail_check() {
	python3 - "$1" <<-'P'
	import json, re, sys
	from email.utils import parsedate_to_datetime
	bad = []
	n = 0
	for line in open(sys.argv[1]):
	    m = json.loads(line)
	    if m["status"] != 250:
	        continue
	    n += 1
	    h = m["headers"]
	    if h["From"] != "quake@example.org" or h["To"] != "ana@example.org, rui@example.org":
	        bad.append("from/to %s %s" % (h["From"], h["To"]))
	    if m["rcpt_tos"] != ["ana@example.org", "rui@example.org"] or m["mail_from"] != "quake@example.org":
	        bad.append("envelope %s %s" % (m["mail_from"], m["rcpt_tos"]))
	    if not re.fullmatch(r"<msg_[0-9a-f]{32}@example\.org>", h["Message-ID"] or ""):
	        bad.append("message-id %s" % h["Message-ID"])
	    try:
	        parsedate_to_datetime(h["Date"])
	    except Exception:
	        bad.append("date %s" % h["Date"])
	    if not m["tls"] or not m["auth"]:
	        bad.append("tls %s auth %s" % (m["tls"], m["auth"]))
	    if not h["Subject"] or h["Content-Type"] != "text/plain; charset=utf-8":
	        bad.append("subject/type %s %s" % (h["Subject"], h["Content-Type"]))
	print("ok %d" % n if not bad else "; ".join(bad))
	P
}

# one rule, three targets: each gets both notices (new, upgraded); the
# mail has its headers, the subject is the ntfy title, the text gives local
# time beside UTC, where, and the map link; a replay sends nothing
alert_email() {
	local rc got
	qa_dir email
	receiver_start || { fail "alert receiver starts"; return; }
	smtp_start || { fail "smtp server starts" "$(cat "$D/smtp.out")"; receiver_stop; return; }
	lisbon_rules
	events_near_lisbon "$D/in"
	timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state" --url https://quake.example/ \
	    <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert email: exit 0, both lines alerted ($(tail -1 "$D/err"))" \
	    test "$rc" -eq 0 -a "$(jq -r .status "$D/out" | tr '\n' ' ')" = "alerted alerted "
	check "alert email: two mails over STARTTLS with auth, headers as they should be" \
	    test "$(mail_check "$D/smtp.log")" = "ok 2"
	check "alert email: two webhooks (verified) and four ntfy notices" \
	    test "$("$ALERT_PY" tests/alert-report.py "$D/recv.log" | awk '$2 != "ntfy" && $NF == "True"' | wc -l)" -eq 2 -a \
	    "$(grep -c '"path": "/ntfy/' "$D/recv.log")" -eq 4
	got=$(jq -r 'select(.path == "/ntfy/lisbon") | .headers.Title' "$D/recv.log" | head -1)
	check "alert email: the subject is the ntfy title ($got)" \
	    test -n "$got" -a "$(jq -r .headers.Subject "$D/smtp.log" | head -1)" = "$got"
	check "alert email: where from the gazetteer (52 km SW of Sesimbra, Portugal)" \
	    test "$got" = "M5.1 52 km SW of Sesimbra, Portugal"
	check "alert email: a rule's own place: '76 km SSW of Lisbon' (from its centre)" \
	    test "$(jq -r 'select(.path == "/ntfy/area") | .headers.Title' "$D/recv.log" | head -1)" = "M5.1 76 km SSW of Lisbon"
	check "alert email: the text gives local time beside UTC and the map link" \
	    eval 'jq -r .body "$D/smtp.log" | head -20 | grep -q "^Local time: .* Europe/Lisbon (UTC+0[01]:00)" &&
	    jq -r .body "$D/smtp.log" | grep -q "^Time (UTC): .* UTC" &&
	    jq -r .body "$D/smtp.log" | grep -qF "Map:        https://quake.example/#sel=20261207_0000074&c=38.100,-9.500,8"'
	check "alert email: ntfy Click and the webhook's map_url are the map link" \
	    eval 'test "$(jq -r "select(.path == \"/ntfy/lisbon\") | .headers.Click" "$D/recv.log" | sort -u)" = \
	    "https://quake.example/#sel=20261207_0000074&c=38.100,-9.500,8" &&
	    test "$(jq -r "select(.path == \"/hook/lisbon\") | .body | fromjson | .map_url" "$D/recv.log" | sort -u)" = \
	    "https://quake.example/#sel=20261207_0000074&c=38.100,-9.500,8"'
	check "alert email: the webhook carries local_time and place" \
	    test "$(jq -r 'select(.path == "/hook/lisbon") | .body | fromjson | "\(.place)|\(.local_time | test("Europe/Lisbon"))"' "$D/recv.log" | sort -u)" = \
	    "52 km SW of Sesimbra, Portugal|true"
	check "alert email: the password is never logged" not_grep "$(cut -d: -f2 "$D/smtp-auth")" "$D/err"
	cp "$D/smtp.log" "$D/smtp.first"
	timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state" <"$D/in" >"$D/out2" 2>"$D/err2"; rc=$?
	check "alert email replay: exit 0, skipped, no mail" \
	    test "$rc" -eq 0 -a "$(jq -r .status "$D/out2" | sort -u)" = skipped -a "$(wc -l <"$D/smtp.log")" -eq 2
	smtp_stop; receiver_stop
}

# the mail server answers 451 twice, then 250: retried with backoff, the
# same Message-ID (the same mail) each time; SMTPS too
alert_email_retry() {
	local rc ids
	qa_dir emailretry
	receiver_start || { fail "alert receiver starts"; return; }
	smtp_start --fail 2 || { fail "smtp server starts" "$(cat "$D/smtp.out")"; receiver_stop; return; }
	lisbon_rules
	jq '.rules |= [.[0] | del(.webhook, .ntfy)]' "$D/rules.json" >"$D/one.json"
	events_near_lisbon "$D/in"; head -1 "$D/in" >"$D/in1"
	timeout 60 "$ALERT" --rules "$D/one.json" --state "$D/state" <"$D/in1" >"$D/out" 2>"$D/err"; rc=$?
	check "alert email 451: exit 0, alerted" test "$rc" -eq 0 -a "$(jq -r .status "$D/out")" = alerted
	check "alert email 451: three tries: 451, 451, 250" \
	    test "$(jq -r .status "$D/smtp.log" | tr '\n' ' ')" = "451 451 250 "
	ids=$(jq -r '.headers["Message-ID"]' "$D/smtp.log" | sort -u)
	check "alert email 451: the same Message-ID each try ($ids)" test "$(printf '%s\n' "$ids" | wc -l)" -eq 1
	check "alert email 451: retrying logged" grep -q 'msg=retrying.*SMTP 451' "$D/err"
	smtp_stop
	qa_dir emailtls
	smtp_start --smtps || { fail "smtps server starts" "$(cat "$D/smtp.out")"; receiver_stop; return; }
	lisbon_rules "smtps://127.0.0.1:$SMTP_PORT"
	jq '.rules |= [.[0] | del(.webhook, .ntfy)]' "$D/rules.json" >"$D/one.json"
	events_near_lisbon "$D/in"; head -1 "$D/in" >"$D/in1"
	timeout 60 "$ALERT" --rules "$D/one.json" --state "$D/state" <"$D/in1" >"$D/out" 2>"$D/err"; rc=$?
	check "alert email smtps://: delivered over TLS from the start" \
	    test "$rc" -eq 0 -a "$(mail_check "$D/smtp.log")" = "ok 1"
	smtp_stop; receiver_stop
}

# mistakes: an auth file others can read is refused with one line; a wrong
# password is given up at once (not retried), 69
alert_email_refused() {
	local rc out
	qa_dir emailbad
	smtp_start || { fail "smtp server starts" "$(cat "$D/smtp.out")"; return; }
	lisbon_rules
	jq '.rules |= [.[0] | del(.webhook, .ntfy)]' "$D/rules.json" >"$D/one.json"
	chmod 644 "$D/smtp-auth"
	out=$("$ALERT" --rules "$D/one.json" --check 2>&1); rc=$?
	check "alert email: an auth file others can read: 78, one line ($out)" \
	    test "$rc" -eq 78 -a "$(printf '%s\n' "$out" | wc -l)" -eq 1 -a -n "$(printf '%s' "$out" | grep 'chmod 600')"
	printf 'quake:wrong\n' >"$D/smtp-auth"; chmod 600 "$D/smtp-auth"
	events_near_lisbon "$D/in"; head -1 "$D/in" >"$D/in1"
	timeout 60 "$ALERT" --rules "$D/one.json" --state "$D/state" <"$D/in1" >"$D/out" 2>"$D/err"; rc=$?
	check "alert email: a wrong password: undelivered, 69, not retried ($(grep -c msg=retrying "$D/err") retries)" \
	    test "$rc" -eq 69 -a "$(jq -r .status "$D/out")" = undelivered -a "$(grep -c msg=retrying "$D/err")" -eq 0
	"$ALERT" --rules "$D/one.json" --url "$(printf 'https://x/\r\nX: y')" --check >/dev/null 2>&1; rc=$?
	check "alert --url with a line break (it would split ntfy's headers): 64" test "$rc" -eq 64
	smtp_stop
}

# one target of a rule down (retrying), the other took its notice: kill -9;
# the restart (Kafka redelivers the line) sends only the target that had
# not taken it (marks and journal per target)
alert_targets_apart() {
	local rc dead pid n sb
	qa_dir apart
	receiver_start || { fail "alert receiver starts"; return; }
	dead=$(free_port)
	jq --arg u "http://127.0.0.1:$dead/hook/tokyo" '.rules |= [.[0] | .webhook.url = $u |
	    .ntfy = {"url": ("http://127.0.0.1:'"$ALERT_PORT"'/ntfy/tokyo"), "token_file": "'"$D/token"'"}]' \
	    "$D/rules.json" >"$D/r1.json"
	sed -n 1,2p tests/data/alert/revisions.ndjson >"$D/in"
	"$ALERT" --rules "$D/r1.json" --state "$D/state" --window 36500d <"$D/in" >"$D/out" 2>"$D/err" & pid=$!
	qa_wait 30 grep -qs 'tokyo|ntfy:' "$D/state"
	check "alert targets apart: ntfy took its notice and its mark is kept while the webhook is retried" \
	    test "$(grep -c '/ntfy/tokyo' "$D/recv.log")" -eq 1 -a "$(grep -c '"rule":"tokyo"' "$D/state")" -eq 0
	kill -9 "$pid"; wait "$pid" 2>/dev/null
	"$ALERT_PY" tests/alert-receiver.py "$dead" "$D/hook.log" --secret "$SECRET" >"$D/hook.out" 2>&1 & sb=$!
	qa_wait 30 grep -qs ready "$D/hook.out"
	timeout 60 "$ALERT" --rules "$D/r1.json" --state "$D/state" --window 36500d <"$D/in" >"$D/out2" 2>"$D/err2"; rc=$?
	n=$(grep -c '/hook/tokyo' "$D/hook.log")
	check "alert targets apart: the restart sends the webhook its notice ($n), ntfy nothing again" \
	    test "$rc" -eq 0 -a "$n" -eq 1 -a "$(grep -c '/ntfy/tokyo' "$D/recv.log")" -eq 1
	kill "$sb" 2>/dev/null; wait "$sb" 2>/dev/null
	receiver_stop
}

# ENS's aftershock exclusion on a built sequence: an M7.0 main shock, then
# an M4.9 30 km away (below 7.0 - 2, within 2 x 49 km: not told), an M5.2
# at 30 km (not below: told), an M4.5 at 200 km (too far: told), an M4.0
# before the main shock (told); a rule without the option hears of all
alert_aftershocks() {
	local rc
	qa_dir aftershocks
	receiver_start || { fail "alert receiver starts"; return; }
	cat >"$D/r.json" <<-J
	[{"name": "after", "minmagnitude": 4, "rectangle": {"minlat": 34, "maxlat": 42, "minlon": 19, "maxlon": 30},
	  "aftershocks": {"main_minmagnitude": 5.5, "days": 30},
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/after", "secret_file": "$D/secret"}},
	 {"name": "all", "minmagnitude": 4, "rectangle": {"minlat": 34, "maxlat": 42, "minlon": 19, "maxlon": 30},
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/all", "secret_file": "$D/secret"}}]
	J
	python3 -c '
import json, math, time
now = time.time() - 86400
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000000Z"
def ev(i, dt, mag, km):
    return json.dumps({"id": "seq_%d" % i, "action": "create", "time": iso(now + dt),
        "lastupdate": iso(now + dt + 60), "lat": 38.0 + km / (6371.0088 * math.pi / 180), "lon": 23.0,
        "depth": 10.0, "mag": mag, "magtype": "mw", "region": "GREECE", "evtype": "ke", "auth": "EMSC",
        "source_catalog": "EMSC-RTS", "source_id": str(i)}, separators=(",", ":"))
print(ev(0, -7200, 4.0, 50))
print(ev(1, 0, 7.0, 0))
print(ev(2, 3600, 4.9, 30))
print(ev(3, 7200, 5.2, 30))
print(ev(4, 10800, 4.5, 200))
print(ev(5, 14400, 4.2, 90))' >"$D/in"
	timeout 60 "$ALERT" --rules "$D/r.json" --state "$D/state" <"$D/in" >"$D/out" 2>"$D/err"; rc=$?
	check "alert aftershocks: exit 0" test "$rc" -eq 0
	check "alert aftershocks: the rule with the option skips the M4.9 at 30 km and the M4.2 at 90 km" \
	    test "$(jq -r 'select(.path == "/hook/after") | .body | fromjson | .event.id' "$D/recv.log" | tr '\n' ' ')" = \
	    "seq_0 seq_1 seq_3 seq_4 "
	check "alert aftershocks: the rule without it hears of all six" \
	    test "$(jq -r 'select(.path == "/hook/all") | .body | fromjson | .event.id' "$D/recv.log" | tr '\n' ' ')" = \
	    "seq_0 seq_1 seq_2 seq_3 seq_4 seq_5 "
	receiver_stop
}

# --test RULE: one marked test notice to each target, the exit status the
# delivery's; a target that refuses: 69; no such rule: 64
alert_test_notice() {
	local rc
	qa_dir testnotice
	receiver_start || { fail "alert receiver starts"; return; }
	smtp_start || { fail "smtp server starts" "$(cat "$D/smtp.out")"; receiver_stop; return; }
	lisbon_rules
	timeout 60 "$ALERT" --rules "$D/rules.json" --test lisbon >"$D/out" 2>"$D/err"; rc=$?
	check "alert --test: exit 0, three deliveries logged ($(tail -1 "$D/err"))" \
	    test "$rc" -eq 0 -a "$(grep -c 'msg="test notice delivered"' "$D/err")" -eq 3
	check "alert --test: the webhook: earthquake.test, verified" \
	    test "$(jq -r 'select(.path == "/hook/lisbon") | "\(.body | fromjson | .type) \(.verified)"' "$D/recv.log")" = "earthquake.test true"
	check "alert --test: ntfy: a TEST title" \
	    eval 'jq -r "select(.path == \"/ntfy/lisbon\") | .headers.Title" "$D/recv.log" | grep -q "^TEST: "'
	check "alert --test: the mail: TEST subject, TEST NOTICE text, headers" \
	    eval 'test "$(mail_check "$D/smtp.log")" = "ok 1" && jq -r .headers.Subject "$D/smtp.log" | grep -q "^TEST: " &&
	    jq -r .body "$D/smtp.log" | grep -q "^TEST NOTICE"'
	check "alert --test: nothing on stdout, no state written" test ! -s "$D/out" -a ! -e "$D/state"
	printf 'tk_wrong\n' >"$D/token2"; chmod 600 "$D/token2"
	jq --arg t "$D/token2" '.rules[1].ntfy.token_file = $t' "$D/rules.json" >"$D/bad.json"
	timeout 60 "$ALERT" --rules "$D/bad.json" --test area >/dev/null 2>"$D/err2"; rc=$?
	check "alert --test: a target that refuses (403): 69, said why" \
	    test "$rc" -eq 69 -a -n "$(grep 'msg="test notice not delivered".*HTTP 403' "$D/err2")"
	"$ALERT" --rules "$D/rules.json" --test nosuch >/dev/null 2>&1; rc=$?
	check "alert --test: no rule of that name: 64" test "$rc" -eq 64
	smtp_stop; receiver_stop
}

. tests/alert-api.sh
