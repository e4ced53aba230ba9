# cli-hardening — issue 16: closed standard fds, signals during a back-fill
# and an idle --replay -, checkpoints in the future. Sourced by suite-cli.sh.

# hard_wait SECONDS CMD...: poll CMD every 0.05 s until it succeeds
hard_wait() { local t=$(($1 * 20)); shift; while ! "$@"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.05; done; }
# hard_gone PID SECONDS: the process exited within SECONDS
hard_gone() { hard_wait "$2" eval "! kill -0 $1 2>/dev/null"; }

# start tests/fdsn-standin.py MODE; sets HARD_PID and HARD_PORT
hard_fdsn_up() {
	: >"$TMP/fdsn.log"
	coproc HARD_FDSN { exec python3 tests/fdsn-standin.py "$1" "$TMP/fdsn.log"; }
	HARD_PID=$HARD_FDSN_PID
	read -r _ HARD_PORT <&"${HARD_FDSN[0]}"
}
hard_fdsn_down() { kill "$HARD_PID" 2>/dev/null; wait "$HARD_PID" 2>/dev/null; }

# fds 0-2 closed at start: stdout 74 with one line; stderr and stdin on
# /dev/null, so no file opened later becomes the log or the output
cli_hard_fds() {
	local rc bad=tests/malformed/$(head -1 tests/malformed/expected.txt | cut -f1)
	local -A args=(
		[emsc-tail]="-r /dev/null"
		[quake-produce]="-b 127.0.0.1:1 -t x -T 0"
		[quake-consume]="-b 127.0.0.1:1 -t x"
		[quake-ddb-put]="-t quake -e http://127.0.0.1:1 --max-attempts 1")
	for b in emsc-tail quake-produce quake-consume quake-ddb-put; do
		# shellcheck disable=SC2086
		noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b timeout -s TERM 5 \
			"$B/bin/$b" ${args[$b]} </dev/null >&- 2>"$TMP/err"; rc=$?
		check "$b with stdout closed: exit 74, says so" \
			test $rc -eq 74 -a "$(cat "$TMP/err")" = "$b: level=error msg=\"stdout is closed\""
	done
	rm -f "$TMP/dl"
	"$ET" -r "$bad" -d "$TMP/dl" >"$TMP/out" 2>&-; rc=$?
	check "emsc-tail with stderr closed: exit 65, the log goes nowhere" test $rc -eq 65 -a ! -s "$TMP/out"
	check "emsc-tail with stderr closed: the dead-letter file holds only the frame" cmp -s "$TMP/dl" "$bad"
	"$ET" -r - <&- >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "emsc-tail --replay - with stdin closed: empty input, exit 0" test $rc -eq 0 -a ! -s "$TMP/out" -a ! -s "$TMP/err"
}

# SIGTERM in the middle of an FDSN page that never comes, and while
# --replay - waits on an idle stdin: gone within a second or so (the
# bound checked is 3 s; before, 60 s and never)
cli_hard_signals() {
	local pid rc
	hard_fdsn_up silent
	"$ET" --url ws://127.0.0.1:1/x --fdsn-url "http://127.0.0.1:$HARD_PORT/q" --since 1h \
		>"$TMP/out" 2>"$TMP/err" & pid=$!
	hard_wait 5 test -s "$TMP/fdsn.log"
	kill -TERM $pid
	if hard_gone $pid 3; then wait $pid; rc=$?
		check "SIGTERM during a back-fill: exit 0 at once" test $rc -eq 0
	else kill -9 $pid; wait $pid; fail "SIGTERM during a back-fill: exit 0 at once" "still running 3 s later"; fi
	check "SIGTERM during a back-fill: no further page asked for" test "$(wc -l <"$TMP/fdsn.log")" -eq 1
	hard_fdsn_down
	rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
	exec 9<>"$TMP/fifo"
	"$ET" --replay - <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" & pid=$!
	sleep 0.3
	kill -TERM $pid
	if hard_gone $pid 3; then wait $pid; rc=$?
		check "SIGTERM with --replay - idle: exit 0 at once" test $rc -eq 0
	else kill -9 $pid; wait $pid; fail "SIGTERM with --replay - idle: exit 0 at once" "still running 3 s later"; fi
	exec 9>&-
}

# the year of an ISO time in FILE (first line)
hard_year() { cut -c1-4 "$1"; }

# a back-filled event with lastupdate 9999-12-31 does not move the
# checkpoint past now + 10 min; a stored one in the future is clamped on start
cli_hard_checkpoint() {
	local pid now max got
	hard_fdsn_up future
	rm -f "$TMP/state"
	"$ET" --url ws://127.0.0.1:1/x --fdsn-url "http://127.0.0.1:$HARD_PORT/q" --since 1h \
		--state "$TMP/state" >"$TMP/out" 2>"$TMP/err" & pid=$!
	hard_wait 5 grep -q msg=back-filled "$TMP/err"
	kill -TERM $pid; wait $pid
	now=$(date -u +%s)
	got=$(date -u -d "$(sed 's/\.[0-9]*Z$/Z/' "$TMP/state" 2>/dev/null)" +%s 2>/dev/null || echo none)
	max=$((now + 600))
	check "future lastupdate: the event is printed" grep -q '"lastupdate":"9999-12-31' "$TMP/out"
	check "future lastupdate: checkpoint at most now + 10 min ($(cat "$TMP/state" 2>/dev/null))" \
		test "$got" != none -a "$got" -le "$max" -a "$got" -ge $((now - 60))
	hard_fdsn_down
	hard_fdsn_up silent
	echo 9999-12-31T00:00:00.000000Z >"$TMP/state"
	"$ET" --url ws://127.0.0.1:1/x --fdsn-url "http://127.0.0.1:$HARD_PORT/q" \
		--state "$TMP/state" >"$TMP/out" 2>"$TMP/err" & pid=$!
	hard_wait 5 test -s "$TMP/fdsn.log"
	kill -TERM $pid; wait $pid
	check "stored future checkpoint: one warning naming it" \
		test "$(grep -c 'level=warn msg="checkpoint in the future, back-fill starts now".* lastupdate=9999-12-31' "$TMP/err")" -eq 1
	check "stored future checkpoint: back-fill starts 10 min before now" \
		grep -qE "updatedafter=($(date -u -d '-10 min' +%Y-%m-%dT%H)|$(date -u -d '-11 min' +%Y-%m-%dT%H))" "$TMP/fdsn.log"
	hard_fdsn_down
}
