# integration-shake — quake-shake --listen --acks with the real quake-produce
# on the real broker: a push is answered only once its line is produced, and
# under load, with quake-produce or the receiver killed -9, every push
# answered 200 is on the topic. Sourced by suite-integration.sh (needs $BK,
# $QP, wait_for). Port: QUAKE_TEST_SHAKE_PORT (default 19490).

# the receiver | quake-produce --kind samples -t $1, status lines back on a
# FIFO; SHRX_PID, SHQP_PID
shake_pair() {
	local topic=$1 port=$2 d=$TMP/shpair i
	rm -rf "$d"; mkdir -p "$d"; mkfifo "$d/data" "$d/acks"
	"$B/bin/quake-shake" --listen "127.0.0.1:$port" --max-rate 0 --acks "$d/acks" --ack-timeout 5s --stats 1 \
		>"$d/data" 2>>"$TMP/shrx.err" &
	SHRX_PID=$!
	"$QP" -b "$BK" -t "$topic" --kind samples <"$d/data" >"$d/acks" 2>>"$TMP/shqp.err" &
	SHQP_PID=$!
	for i in $(seq 600); do	# 30 s: a hang guard
		curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	# the other one may wait for ever to open its FIFO
	kill -9 "$SHRX_PID" "$SHQP_PID" 2>/dev/null; wait "$SHRX_PID" "$SHQP_PID" 2>/dev/null
	return 1
}

# "device<TAB>msg" of every record on topic $1, sorted
shake_topic() {
	kcat -C -b "$BK" -t "$1" -e -q -f '%s\n' 2>/dev/null | jq -r '[.device, .msg] | @tsv' | sort -u
}

kafka_shake_acks() {
	local port=$(( ${QUAKE_TEST_SHAKE_PORT:-19490} )) rc code lost n
	python3 -c '
import sys; sys.path.insert(0, "tests"); import shake_push
open(sys.argv[1], "wb").write(shake_push.body("held", 1, 20))' "$TMP/held.json"
	scripts/kafka-local topic shake-acks 4 2>/dev/null
	shake_pair shake-acks $port || { fail "shake --acks: the pair starts" "$(tail -3 "$TMP/shrx.err")"; return; }
	# quake-produce stopped: the line is in the pipe, its push waits
	# (the barrier: the line in the pipe, then the receiver's stats line
	# says it holds the push: tests/held_push.py)
	kill -STOP "$SHQP_PID"
	python3 tests/held_push.py $port "$TMP/held.json" fifo:"$TMP/shpair/data" "$TMP/shrx.err" >"$TMP/held.code" &
	wait_for 30 eval '[ "$(wc -l <"$TMP/held.code")" -ge 1 ]'
	check "shake --acks, real quake-produce: no answer while quake-produce is stopped ($(head -1 "$TMP/held.code"))" \
		test "$(head -1 "$TMP/held.code")" = held
	kill -CONT "$SHQP_PID"; wait $!
	check "shake --acks, real quake-produce: 200 once it produced the line ($(sed -n 2p "$TMP/held.code"))" test "$(sed -n 2p "$TMP/held.code")" = 200
	check "shake --acks, real quake-produce: the line is on the topic" eval 'shake_topic shake-acks | grep -qx "held	1"'
	# kill -9 quake-produce under load: what was answered 200 is on the topic
	timeout 60 python3 tests/shake_push.py killed $port "$SHQP_PID" "$TMP/acked-qp"
	{ wait "$SHQP_PID"; } 2>/dev/null
	wait_for 30 eval '! kill -0 "$SHRX_PID" 2>/dev/null' || kill -9 "$SHRX_PID"
	wait "$SHRX_PID"; rc=$?
	n=$(sort -u "$TMP/acked-qp" | wc -l)
	lost=$(comm -23 <(sort -u "$TMP/acked-qp") <(shake_topic shake-acks) | wc -l)
	check "shake --acks: kill -9 quake-produce under load, every push answered 200 is on the topic ($n acked, $lost lost)" \
		test "$n" -ge 200 -a "$lost" -eq 0
	# 75 whichever it meets first: the status stream's end, or its next
	# write on the closed pipe (docs/design.md)
	check "shake --acks: quake-produce gone, the receiver exits by itself with 75 ($rc)" \
		test "$rc" -eq 75
	# kill -9 the receiver under load
	scripts/kafka-local topic shake-acks2 4 2>/dev/null
	shake_pair shake-acks2 $port || { fail "shake --acks: the pair starts again" "$(tail -3 "$TMP/shrx.err")"; return; }
	timeout 60 python3 tests/shake_push.py killed $port "$SHRX_PID" "$TMP/acked-rx"
	{ wait "$SHRX_PID"; } 2>/dev/null
	timeout 60 tail --pid="$SHQP_PID" -f /dev/null; wait "$SHQP_PID" 2>/dev/null
	n=$(sort -u "$TMP/acked-rx" | wc -l)
	lost=$(comm -23 <(sort -u "$TMP/acked-rx") <(shake_topic shake-acks2) | wc -l)
	check "shake --acks: kill -9 the receiver under load, every push answered 200 is on the topic ($n acked, $lost lost)" \
		test "$n" -ge 200 -a "$lost" -eq 0
}
