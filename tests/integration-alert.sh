# integration-alert — quake-alert behind quake-consume on the real broker:
# the consumer commits only lines quake-alert acknowledged (alerted,
# skipped, rejected), and a replay of the whole topic by a new group sends
# nothing new. Sourced by suite-integration.sh (its broker must be up).
. tests/suite-alert.sh

kafka_alerts() {
	local rc again
	qa_dir kafka
	scripts/kafka-local topic alerts 2 2>/dev/null
	"$QP" -b "$BK" -t alerts <tests/data/alert/revisions.ndjson >/dev/null 2>&1
	receiver_start || { fail "alert receiver starts"; return; }
	mkfifo "$D/acks"
	timeout 60 "$QC" -b "$BK" -t alerts -g alerts -o beginning -e --acks "$D/acks" 2>"$D/cerr" |
	    timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d \
	    >"$D/acks" 2>"$D/aerr"; rc=$?
	check "kafka alerts: quake-consume --acks | quake-alert ends 0" test "$rc" -eq 0
	check "kafka alerts: the six notices of the contract" \
	    test "$(grep -c '"status": 200' "$D/recv.log")" -eq 6
	check "kafka alerts: quake-consume took every status (no ack error)" not_grep "level=error" "$D/cerr"
	again=$("$QC" -b "$BK" -t alerts -g alerts -e 2>/dev/null | wc -l)
	check "kafka alerts: the group committed every acknowledged line ($again left)" test "$again" -eq 0
	rm -f "$D/acks"; mkfifo "$D/acks"
	timeout 60 "$QC" -b "$BK" -t alerts -g alerts-replay -o beginning -e --acks "$D/acks" 2>/dev/null |
	    timeout 60 "$ALERT" --rules "$D/rules.json" --state "$D/state" --window 36500d \
	    >"$D/acks" 2>/dev/null
	check "kafka alerts: a replay of the whole topic sends nothing new" \
	    test "$(grep -c '"status": 200' "$D/recv.log")" -eq 6
	receiver_stop
}
