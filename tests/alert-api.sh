# alert-api — quake-alert's rules that change while it runs (sourced by
# suite-alert.sh): SIGHUP with a good and a bad rules file, and the
# subscriptions API against the real binary (curl on 127.0.0.1): a
# subscriber's rule delivered to the webhook receiver and, deleted, no
# more; another's rule untouchable; the admin; the limits (413, 429, the
# count of rules). Each bounded: every wait is a >= 30 s hang guard.

# aa_event ID LAT LON MAG: an event line (2024, so --window 36500d)
aa_event() {
	printf '{"id":"%s","action":"create","time":"2024-03-01T10:00:00.000000Z","lastupdate":"2024-03-01T10:01:00.000000Z","lat":%s,"lon":%s,"depth":10.0,"mag":%s,"magtype":"mb","region":"TEST","evtype":"ke","auth":"EMSC","source_catalog":"EMSC-RTS","source_id":"1"}\n' "$1" "$2" "$3" "$4"
}
# aa_start ARGS...: quake-alert on the FIFO $D/in (fd 8 held open), status
# lines to $D/out, log to $D/err
aa_start() {
	rm -f "$D/in"; mkfifo "$D/in"
	"$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d "$@" \
	    <"$D/in" >"$D/out" 2>"$D/err" & AA_PID=$!
	exec 8>"$D/in"
}
aa_stop() { exec 8>&-; wait "$AA_PID" 2>/dev/null; AA_RC=$?; AA_PID=; }
aa_lines() { [ -s "$D/out" ] && wc -l <"$D/out" || echo 0; }
aa_reloads() { grep -c 'rules reloaded' "$D/err"; }
# predicates for qa_wait (evaluated at each poll)
aa_more() { test "$(aa_lines)" -gt "$1"; }
aa_reloaded() { test "$(aa_reloads)" -ge "$1"; }
aa_refused() { test "$(grep -c 'rules not reloaded, the old ones stay' "$D/err")" -ge "$1"; }
# aa_in_force AFTER N: a reload since AFTER reloads, the last with N rules
aa_in_force() { aa_reloaded $(($1 + 1)) && grep 'rules reloaded' "$D/err" | tail -1 | grep -q "rules=$2\$"; }
# aa_send LINE: one line in, its status line out (30 s hang guard); prints
# the status
aa_send() {
	local n; n=$(aa_lines)
	printf '%s\n' "$1" >&8
	qa_wait 30 aa_more "$n" || { echo timeout; return; }
	tail -1 "$D/out" | jq -r .status
}
# aa_api METHOD PATH TOKEN [BODY-FILE]: "STATUS" on the first line, the
# body after it
aa_api() {
	local a=() code
	[ -n "$3" ] && a=(-H "Authorization: Bearer $3")
	[ -n "${4:-}" ] && a+=(--data-binary "@$4" -H 'Content-Type: application/json')
	code=$(curl -s -o "$D/api.body" -w '%{http_code}' -X "$1" "${a[@]}" \
	    "http://127.0.0.1:$API_PORT$2" -D "$D/api.head")
	printf '%s\n' "$code"; cat "$D/api.body"
}
aa_status() { aa_api "$@" | head -1; }
# aa_body FILE JSON: FILE holds JSON
aa_body() { printf '%s' "$2" >"$1"; }

# SIGHUP: a good file takes over (a rule raised to match), the marks go on
# (the same event is not told twice), a bad file is refused with one line
# and the old rules stay
alert_api_sighup() {
	local s
	qa_dir sighup
	cat >"$D/rules.json" <<-J
	{"rules": [{"name": "lisbon", "minmagnitude": 7, "circle": {"lat": 38.7, "lon": -9.1, "radius_km": 300},
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/lisbon", "secret_file": "secret"}}]}
	J
	receiver_start || { fail "alert receiver starts" "$(cat "$D/recv.out")"; return; }
	aa_start
	s=$(aa_send "$(aa_event hup1 38.5 -9.5 5.2)")
	check "alert sighup: an M5.2 under the M7 rule is skipped ($s)" test "$s" = skipped
	sed -i 's/"minmagnitude": 7/"minmagnitude": 5/' "$D/rules.json"
	kill -HUP "$AA_PID"
	check "alert sighup: the good file is taken (rules reloaded)" qa_wait 30 aa_reloaded 1
	s=$(aa_send "$(aa_event hup2 38.5 -9.5 5.2)")
	check "alert sighup: after the reload the M5 rule alerts ($s)" test "$s" = alerted
	s=$(aa_send "$(aa_event hup2 38.5 -9.5 5.2)")
	check "alert sighup: the same revision again is skipped (marks kept) ($s)" test "$s" = skipped
	printf '{"rules": [{"name": "lisbon", "minmagnitude": 50,' >"$D/rules.json"
	kill -HUP "$AA_PID"
	check "alert sighup: a bad file refused with one line" qa_wait 30 aa_refused 1
	check "alert sighup: one line for it, no reload" test "$(aa_reloads)" -eq 1 -a \
	    "$(grep -c level=error "$D/err")" -eq 1
	s=$(aa_send "$(aa_event hup3 38.5 -9.5 5.4)")
	check "alert sighup: the old rules stay in force ($s)" test "$s" = alerted
	printf '{"rules": [{"name": "lisbon", "minmagnitude": 5, "webhook": {"url": "http://127.0.0.1:9/x", "secret_file": "nosuchfile"}}]}' >"$D/rules.json"
	kill -HUP "$AA_PID"
	check "alert sighup: a file whose secret is missing refused, the old rules stay" \
	    qa_wait 30 aa_refused 2
	s=$(aa_send "$(aa_event hup4 38.5 -9.5 5.6)")
	check "alert sighup: still delivered to the old target ($s)" test "$s" = alerted
	aa_stop
	check "alert sighup: exit 0 at the end of input ($AA_RC)" test "$AA_RC" -eq 0
	check "alert sighup: three webhooks, all verified" test "$(jq -r 'select(.verified) | .path' \
	    "$D/recv.log" | sort | uniq -c | awk '{print $1, $2}')" = "3 /hook/lisbon"
	receiver_stop
}

# a reload while a notice is in flight: the notice is delivered under the
# old rules (the receiver holds each request 3 s), the new rules take over
# only after it, and the next event goes to the new rule's target
aa_in_flight() { [ -n "$(ss -tnH state established "( dport = :$ALERT_PORT )")" ]; }
aa_first_is() { [ "$(head -1 "$D/out" | jq -r .status 2>/dev/null)" = "$1" ]; }
alert_api_sighup_in_flight() {
	local s
	qa_dir inflight
	cat >"$D/rules.json" <<-J
	{"rules": [{"name": "lisbon", "minmagnitude": 5, "circle": {"lat": 38.7, "lon": -9.1, "radius_km": 300},
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/lisbon", "secret_file": "secret"}}]}
	J
	receiver_start --delay 3000 || { fail "alert receiver starts" "$(cat "$D/recv.out")"; return; }
	aa_start
	printf '%s\n' "$(aa_event fl1 38.5 -9.5 5.2)" >&8
	check "alert in flight: the notice is sent (held by the receiver)" qa_wait 30 aa_in_flight
	sed -i 's#/hook/lisbon#/hook/porto#; s#"lisbon"#"porto"#' "$D/rules.json"
	kill -HUP "$AA_PID"
	check "alert in flight: the new rules take over" qa_wait 30 aa_reloaded 1
	check "alert in flight: ... only once the notice in flight was delivered" \
	    test "$(jq -r 'select(.verified) | .path' "$D/recv.log")" = /hook/lisbon
	check "alert in flight: its line is alerted" qa_wait 30 aa_first_is alerted
	s=$(aa_send "$(aa_event fl2 38.5 -9.5 5.3)")
	check "alert in flight: the next event goes to the new rule ($s)" test "$s" = alerted -a \
	    "$(jq -r 'select(.verified) | .path' "$D/recv.log" | tail -1)" = /hook/porto
	aa_stop
	check "alert in flight: the closing line counts both notices sent" grep -q 'sent=2 ' "$D/err"
	receiver_stop
}

# api_dir: qa_dir with an admin token, a rules file that matches nothing
# near Lisbon, and API_PORT
api_dir() {
	qa_dir "$1"
	API_PORT=$(free_port)
	ADMIN="adm_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	printf '%s\n' "$ADMIN" >"$D/admin"; chmod 600 "$D/admin"
	cat >"$D/rules.json" <<-J
	{"rules": [{"name": "tokyo", "minmagnitude": 4.5, "circle": {"lat": 35.68, "lon": 139.69, "radius_km": 300},
	  "webhook": {"url": "http://127.0.0.1:9/hook/tokyo", "secret_file": "secret"}}]}
	J
}
api_up() { curl -s -o /dev/null "http://127.0.0.1:$API_PORT/healthz"; }

alert_api_subscribers() {
	local s r n atok btok asec
	api_dir api
	aa_start --api "127.0.0.1:$API_PORT" --api-admin-token "$D/admin" --api-max-rules 2
	qa_wait 30 api_up || { fail "alert api: listening" "$(cat "$D/err")"; aa_stop; return; }
	aa_body "$D/b" '{"id":"alice"}'
	r=$(aa_api POST /v1/subscribers "$ADMIN" "$D/b")
	check "alert api: the admin creates alice (201)" test "$(head -1 <<<"$r")" = 201
	atok=$(sed 1d <<<"$r" | jq -r .token); asec=$(sed 1d <<<"$r" | jq -r .webhook_secret)
	aa_body "$D/b" '{"id":"bob"}'
	btok=$(aa_api POST /v1/subscribers "$ADMIN" "$D/b" | sed 1d | jq -r .token)
	check "alert api: alice twice is a conflict (409)" test "$(aa_status POST /v1/subscribers "$ADMIN" "$D/b")" = 409
	check "alert api: a subscriber cannot make subscribers (403)" \
	    test "$(aa_status POST /v1/subscribers "$atok" "$D/b")" = 403
	check "alert api: no token, 401 with a JSON reason" test "$(aa_api GET /v1/rules '' | sed 1d | jq -r .error)" = 401
	check "alert api: a wrong token, 401" test "$(aa_status GET /v1/rules wrong-token)" = 401
	check "alert api: the store holds no token, only hashes" \
	    test -n "$atok" -a "$(grep -c -e "$atok" -e "$btok" -e "$ADMIN" "$D/subscriptions.json")" -eq 0
	check "alert api: the store and alice's secret are owner-only" \
	    test "$(stat -c %a "$D/subscriptions.json") $(stat -c %a "$D/subscriptions.d/alice.whsec")" = "600 600"
	SECRET=$asec receiver_start 8>&- || { fail "alert receiver starts" "$(cat "$D/recv.out")"; aa_stop; return; }
	aa_body "$D/b" "{\"name\":\"lisbon\",\"minmagnitude\":5,\"circle\":{\"lat\":38.7,\"lon\":-9.1,\"radius_km\":300},\"webhook\":\"http://127.0.0.1:$ALERT_PORT/hook/alice\"}"
	r=$(aa_api POST /v1/rules "$atok" "$D/b")
	check "alert api: alice creates her rule (201, alice.lisbon)" \
	    test "$(head -1 <<<"$r") $(sed 1d <<<"$r" | jq -r .full_name)" = "201 alice.lisbon"
	check "alert api: it takes effect without a restart" qa_wait 30 aa_reloaded 1
	s=$(aa_send "$(aa_event api1 38.5 -9.5 5.5)")
	check "alert api: an event matching alice's rule is alerted ($s)" test "$s" = alerted
	check "alert api: her webhook got it, signed with her secret" \
	    test "$(jq -r 'select(.path == "/hook/alice" and .verified) | .path' "$D/recv.log" | wc -l)" -eq 1
	n=$(aa_reloads)
	check "alert api: bob does not see alice's rule" \
	    test "$(aa_api GET /v1/rules "$btok" | sed 1d | jq '.rules | length')" -eq 0
	check "alert api: alice sees hers" \
	    test "$(aa_api GET /v1/rules "$atok" | sed 1d | jq -r '.rules[].name')" = lisbon
	check "alert api: bob cannot delete it by its name (404)" \
	    test "$(aa_status DELETE /v1/rules/lisbon "$btok")" = 404
	check "alert api: nor by its full name (404)" \
	    test "$(aa_status DELETE /v1/rules/alice.lisbon "$btok")" = 404
	check "alert api: bob cannot list subscribers (403)" test "$(aa_status GET /v1/subscribers "$btok")" = 403
	check "alert api: the admin sees every rule" \
	    test "$(aa_api GET /v1/rules "$ADMIN" | sed 1d | jq -r '.rules[] | .subscriber + "." + .name')" = alice.lisbon
	check "alert api: the admin lists subscribers" \
	    test "$(aa_api GET /v1/subscribers "$ADMIN" | sed 1d | jq -c '[.subscribers[] | [.id, .rules]]')" = '[["alice",1],["bob",0]]'
	# validation by lib/alert/rules, file names refused, the count limited
	aa_body "$D/b" '{"name":"bad","minmagnitude":50,"ntfy":"http://127.0.0.1:9/t"}'
	r=$(aa_api POST /v1/rules "$btok" "$D/b")
	check "alert api: a bad rule is 422 naming the field" \
	    test "$(head -1 <<<"$r") $(sed 1d <<<"$r" | jq -r .field)" = "422 minmagnitude"
	aa_body "$D/b" '{"name":"x","webhook":{"url":"http://127.0.0.1:9/","secret_file":"/etc/shadow"}}'
	check "alert api: a secret file named in a rule is 422" test "$(aa_status POST /v1/rules "$btok" "$D/b")" = 422
	aa_body "$D/b" '{"name":"b1","minmagnitude":9,"ntfy":"http://127.0.0.1:9/t"}'
	check "alert api: bob's first rule (201)" test "$(aa_status POST /v1/rules "$btok" "$D/b")" = 201
	check "alert api: the same name again (409)" test "$(aa_status POST /v1/rules "$btok" "$D/b")" = 409
	aa_body "$D/b" '{"name":"b2","minmagnitude":9,"ntfy":"http://127.0.0.1:9/t"}'
	check "alert api: bob's second rule (201)" test "$(aa_status POST /v1/rules "$btok" "$D/b")" = 201
	aa_body "$D/b" '{"name":"b3","minmagnitude":9,"ntfy":"http://127.0.0.1:9/t"}'
	r=$(aa_api POST /v1/rules "$btok" "$D/b")
	check "alert api: a third over --api-max-rules 2 is 409 saying why" \
	    test "$(head -1 <<<"$r")" = 409 -a -n "$(sed 1d <<<"$r" | jq -r '.reason | select(test("most"))')"
	head -c 9000 /dev/zero | tr '\0' ' ' >"$D/big"
	r=$(aa_api POST /v1/rules "$btok" "$D/big")
	check "alert api: a body over 8 KiB is 413 with a JSON reason" \
	    test "$(head -1 <<<"$r") $(sed 1d <<<"$r" | jq -r .error)" = "413 413"
	check "alert api: the admin deletes bob's rule" test "$(aa_status DELETE /v1/rules/bob.b2 "$ADMIN")" = 200
	check "alert api: alice deletes hers" test "$(aa_status DELETE /v1/rules/lisbon "$atok")" = 200
	check "alert api: ... and it is gone from her list" \
	    test "$(aa_api GET /v1/rules "$atok" | sed 1d | jq '.rules | length')" -eq 0
	check "alert api: the deletions take effect (tokyo and bob.b1 left)" qa_wait 30 aa_in_force "$n" 2
	s=$(aa_send "$(aa_event api2 38.5 -9.5 5.5)")
	check "alert api: deleted, an event near Lisbon is skipped ($s)" test "$s" = skipped
	check "alert api: ... and nothing more reached her webhook" \
	    test "$(jq -r 'select(.path == "/hook/alice") | .path' "$D/recv.log" | wc -l)" -eq 1
	aa_stop
	# the store outlives a restart: bob's remaining rule and both tokens
	aa_start --api "127.0.0.1:$API_PORT" --api-admin-token "$D/admin"
	qa_wait 30 api_up
	check "alert api: after a restart bob's token and rule are there" \
	    test "$(aa_api GET /v1/rules "$btok" | sed 1d | jq -r '.rules[].name')" = b1
	check "alert api: the admin deletes bob (200)" test "$(aa_status DELETE /v1/subscribers/bob "$ADMIN")" = 200
	check "alert api: bob's token no more (401)" test "$(aa_status GET /v1/rules "$btok")" = 401
	aa_stop
	check "alert api: exit 0 ($AA_RC)" test "$AA_RC" -eq 0
	receiver_stop
}

# the request rate per token and per address: 429 with Retry-After and a
# JSON reason once the bucket is empty; another token is not slowed
alert_api_rate() {
	local r atok i codes
	api_dir rate
	aa_start --api "127.0.0.1:$API_PORT" --api-admin-token "$D/admin" --api-rate 5
	qa_wait 30 api_up || { fail "alert api rate: listening" "$(cat "$D/err")"; aa_stop; return; }
	aa_body "$D/b" '{"id":"alice"}'
	atok=$(aa_api POST /v1/subscribers "$ADMIN" "$D/b" | sed 1d | jq -r .token)
	codes=$(for i in 1 2 3 4 5 6; do aa_status GET /v1/rules "$atok"; done | tr '\n' ' ')
	check "alert api rate: five a minute, the sixth is 429 ($codes)" test "$codes" = "200 200 200 200 200 429 "
	r=$(aa_api GET /v1/rules "$atok")
	check "alert api rate: 429 says why, with Retry-After" \
	    test "$(sed 1d <<<"$r" | jq -r .reason)" = "too many requests" -a \
	    "$(grep -ci '^retry-after: [0-9]' "$D/api.head")" -eq 1
	check "alert api rate: the admin's own bucket is not empty" test "$(aa_status GET /v1/rules "$ADMIN")" = 200
	codes=$(for i in 1 2 3 4 5 6; do aa_status GET /v1/rules not-a-token; done | tr '\n' ' ')
	check "alert api rate: wrong tokens are limited per address ($codes)" \
	    test "$codes" = "401 401 401 401 401 429 "
	aa_stop
}

# a deletion the store cannot keep (its folder gone: 503) is undone: the
# subscriber and the rule are still there once the folder is back, and
# the next change saves them, not the deletion
alert_api_undo() {
	local btok
	api_dir undo
	mkdir "$D/st"
	aa_start --api "127.0.0.1:$API_PORT" --api-admin-token "$D/admin" --api-store "$D/st/subs.json"
	qa_wait 30 api_up || { fail "alert api undo: listening" "$(cat "$D/err")"; aa_stop; return; }
	aa_body "$D/b" '{"id":"bob"}'
	btok=$(aa_api POST /v1/subscribers "$ADMIN" "$D/b" | sed 1d | jq -r .token)
	aa_body "$D/b" '{"name":"b1","minmagnitude":9,"ntfy":"http://127.0.0.1:9/t"}'
	check "alert api undo: bob and his rule (201)" test "$(aa_status POST /v1/rules "$btok" "$D/b")" = 201
	mv "$D/st" "$D/st.away"
	check "alert api undo: deleting his rule, unsaved, is 503" \
	    test "$(aa_status DELETE /v1/rules/b1 "$btok")" = 503
	check "alert api undo: deleting bob, unsaved, is 503" \
	    test "$(aa_status DELETE /v1/subscribers/bob "$ADMIN")" = 503
	mv "$D/st.away" "$D/st"
	check "alert api undo: bob's token still works, his rule still there" \
	    test "$(aa_api GET /v1/rules "$btok" | sed 1d | jq -r '.rules[].name')" = b1
	aa_body "$D/b" '{"id":"carol"}'
	check "alert api undo: the next change is saved (201)" \
	    test "$(aa_status POST /v1/subscribers "$ADMIN" "$D/b")" = 201
	check "alert api undo: ... with bob and his rule in the store" \
	    test "$(jq -c '[.subscribers[] | [.id, (.rules | length)]]' "$D/st/subs.json")" = '[["bob",1],["carol",0]]'
	aa_stop
}

# a SIGHUP reload keeps the main shocks remembered (judge_carry): an M7.0,
# the reload, then an M4.9 30 km away is still its aftershock (skipped)
alert_api_sighup_aftershocks() {
	local s
	qa_dir hupafter
	cat >"$D/rules.json" <<-J
	{"rules": [{"name": "after", "minmagnitude": 4, "rectangle": {"minlat": 34, "maxlat": 42, "minlon": 19, "maxlon": 30},
	  "aftershocks": {"main_minmagnitude": 5.5, "days": 30},
	  "webhook": {"url": "http://127.0.0.1:$ALERT_PORT/hook/after", "secret_file": "secret"}}]}
	J
	receiver_start || { fail "alert receiver starts" "$(cat "$D/recv.out")"; return; }
	python3 -c '
import json, math, time
now = time.time() - 86400
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000000Z"
for i, dt, mag, km in ((1, 0, 7.0, 0), (2, 3600, 4.9, 30)):
    print(json.dumps({"id": "hup_%d" % i, "action": "create", "time": iso(now + dt),
        "lastupdate": iso(now + dt + 60), "lat": 38.0 + km / (6371.0088 * math.pi / 180), "lon": 23.0,
        "depth": 10.0, "mag": mag, "magtype": "mw", "region": "GREECE", "evtype": "ke", "auth": "EMSC",
        "source_catalog": "EMSC-RTS", "source_id": str(i)}, separators=(",", ":")))' >"$D/lines"
	aa_start
	s=$(aa_send "$(sed -n 1p "$D/lines")")
	check "alert sighup aftershocks: the M7.0 main shock is alerted ($s)" test "$s" = alerted
	sed -i 's/"minmagnitude": 4,/"minmagnitude": 4.1,/' "$D/rules.json"
	kill -HUP "$AA_PID"
	check "alert sighup aftershocks: reloaded" qa_wait 30 aa_reloaded 1
	s=$(aa_send "$(sed -n 2p "$D/lines")")
	check "alert sighup aftershocks: after the reload its M4.9 aftershock is skipped ($s)" test "$s" = skipped
	aa_stop
	check "alert sighup aftershocks: exit 0 ($AA_RC), one notice" \
	    test "$AA_RC" -eq 0 -a "$(jq -r 'select(.path == "/hook/after") | .body | fromjson | .event.id' "$D/recv.log" | tr '\n' ' ')" = "hup_1 "
	receiver_stop
}
