# integration-cluster — the pipeline on a three-broker KRaft cluster
# (scripts/kafka-local start --brokers 3: replication factor 3,
# min.insync.replicas=2, unclean leader election off) while a node dies.
# emsc-tail | quake-produce (from tests/emsc-standin.py) and quake-consume |
# quake-ddb-put (DynamoDB Local, acknowledgements back on --acks) run; once
# quake-produce has acknowledged a third of the stream (its status lines
# counted, no sleep; the stand-in goes on to two thirds, and publishes the
# last third after the kill), a node is killed -9:
# in one round the leader of a partition (one that is not the active
# controller), in the other the active KRaft controller. Then: every line
# quake-produce acknowledged `produced` is on the topic, once; the table
# equals the expected set; the consumer that ran all along (never restarted)
# stored the rest; the partition's leadership (the quorum's) moved. The node
# comes back and catches up before the next round. Sourced by
# suite-integration.sh; `tests/run integration cluster` runs it alone
# (CL_DEBUG=DIR: each round's files are copied there). Bounded (~2 min;
# every wait has a limit).

CL_PORT=${QUAKE_TEST_CLUSTER_PORT:-19700}
# EVENTS x REVS lines at RATE a second; the kill after KILL_AT of them are
# acknowledged
CL_EVENTS=${CL_EVENTS:-600} CL_REVS=${CL_REVS:-2} CL_RATE=${CL_RATE:-100} CL_KILL_AT=${CL_KILL_AT:-400}

# kafka-local for the cluster (the suite's own broker has KAFKA_PORT)
kl() { KAFKA_PORT=$CL_PORT KAFKA_DIR="$TMP/cluster" KAFKA_BROKERS=3 scripts/kafka-local "$@"; }
# the table holds exactly the newest revision of every line in FILE
cl_table() { python3 tests/ddb-check.py "$DDB" "$1" "$2" >"$TMP/$1.check" 2>&1; }
# stop what a round started
cl_stop() { local p; for p in "$@"; do kill -TERM "$p" 2>/dev/null; done; wait "$@" 2>/dev/null; }
cl_up() { kl status >/dev/null; }
cl_gone() { ! kill -0 "$1" 2>/dev/null; }
# the consumer PID still runs, and more than N lines were stored
cl_resumed() { kill -0 "$1" 2>/dev/null && [ "$(lines "$2")" -gt "$3" ]; }

# cluster_round NAME WHO: WHO is leader (of a partition) or controller
cluster_round() {
	local name=$1 who=$2 total=$((CL_EVENTS * CL_REVS)) t=cl-$1 f="$TMP/cl-$1"
	local ctl victim p now qc et qp sink rc cb acked stored ontopic twice items
	local t0=$SECONDS
	cb=$(kl bootstrap)
	kl topic "$t" 4 2>/dev/null
	put -t "$t" -e "$DDB" --create-table </dev/null 2>/dev/null
	# the victim, chosen before the stream starts
	ctl=$(kl controller) || { fail "cluster $name: the active controller" "not found"; return; }
	victim=$ctl
	if [ "$who" = leader ]; then
		for p in 0 1 2 3; do victim=$(kl leader "$t" $p); [ "$victim" != "$ctl" ] && break; done
	fi
	[ -n "$victim" ] || { fail "cluster $name: the $who" "not found"; return; }
	rm -f "$f.fifo"; mkfifo "$f.fifo"; : >"$f.acks"; : >"$f.stored"
	# the sink, as scripts/quake-sink wires it; $qc is quake-consume itself
	( echo "$BASHPID" >"$f.qcpid"; exec "$QC" -b "$cb" -t "$t" -g "$t" --acks "$f.fifo" --stats 1 2>"$f.cerr" ) |
		put -t "$t" -e "$DDB" 2>"$f.derr" | tee "$f.stored" >"$f.fifo" &
	sink=$!
	emsc_up "$t" --events "$CL_EVENTS" --revs "$CL_REVS" --rate "$CL_RATE" --paused
	# the ingest side: what emsc-tail printed is quake-produce's input
	{ ( echo "$BASHPID" >"$f.etpid"; exec "$ET" --url "$EURL" --fdsn-url "$FURL" --count "$total" 2>"$f.eerr" )
	  echo $? >"$f.etrc"; } |
		tee "$f.in" | "$QP" -b "$cb" -t "$t" >"$f.acks" 2>"$f.perr" &
	qp=$!
	wait_for 30 test -s "$f.qcpid" -a -s "$f.etpid"; qc=$(cat "$f.qcpid") et=$(cat "$f.etpid")
	# the stream starts once emsc-tail is connected and quake-consume has
	# its 4 partitions
	wait_for 30 stat_at_least clients 1
	wait_for 60 grep -q 'msg=stats.* partitions=4' "$f.cerr"
	# two thirds at RATE, then a pause until the kill: however late a loaded
	# machine lets this shell see the count, the kill is mid-stream (the last
	# third is published after it)
	curl -s "$CTL/control?rate=$CL_RATE&count=$((total * 2 / 3))" >/dev/null
	if ! wait_for 60 at_least "$CL_KILL_AT" "$f.acks"; then
		fail "cluster $name: the stream started" "$(lines "$f.acks") produced, $(lines "$f.stored") stored"
		cl_stop "$et" "$qp" "$qc"; wait "$sink"; emsc_down "$t"; return
	fi
	kl kill "$victim"
	acked=$(lines "$f.acks") stored=$(lines "$f.stored")
	curl -s "$CTL/control?rate=$CL_RATE" >/dev/null
	echo "integration: cluster $name: node $victim killed -9 (active controller: $ctl) after $acked of $total lines produced, $stored stored, at $((SECONDS - t0)) s" >&2
	check "cluster $name: node $victim ($who) killed -9 mid-stream ($acked of $total produced, $stored stored)" \
		test "$acked" -lt "$total"
	# the rest of the stream: quake-produce ends after emsc-tail's last line
	# (no guard subshell to kill: one killed before it reset its traps
	# would run tests/run's EXIT trap, which removes $TMP)
	wait_for 150 cl_gone "$qp" || kill -TERM "$et" "$qp"
	wait "$qp"; rc=$?
	check "cluster $name: emsc-tail and quake-produce exit 0 ($(cat "$f.etrc" 2>/dev/null) $rc; $(tail -1 "$f.perr"))" \
		test "$(cat "$f.etrc" 2>/dev/null) $rc" = "0 0"
	acked=$(grep -c '"status":"produced"' "$f.acks")
	check "cluster $name: every line acknowledged produced, in order ($acked of $total)" \
		test "$acked $(jq -r .line "$f.acks" | awk '$1 != NR {bad=1} END {print NR, bad+0}')" = "$total $total 0"
	kcat -C -b "$cb" -t "$t" -e -q -f '%s\n' >"$f.topic" 2>/dev/null
	ontopic=$(lines "$f.topic") twice=$(sort "$f.topic" | uniq -d | wc -l)
	# the acknowledged lines: the input's lines at the acknowledged numbers
	awk 'NR == FNR { if ($0 ~ /"status":"produced"/) { sub(/.*"line":/, ""); ok[$0 + 0] = 1 } next } ok[FNR]' \
		"$f.acks" "$f.in" >"$f.acked"
	check "cluster $name: every acknowledged line is on the topic ($(lines "$f.acked") acknowledged, $ontopic records)" \
		test -z "$(comm -23 <(sort -u "$f.acked") <(sort -u "$f.topic") | head -1)" -a -s "$f.acked"
	check "cluster $name: none twice on the topic (idempotence; $twice repeated)" test "$twice" -eq 0
	complete "$TMP/$t.pub" "$f.in"
	check "cluster $name: emsc-tail printed what the stand-in published ($(head -1 "$TMP/echeck"))" test $? -eq 0
	# a status line per stored line first (cheap to count), then the Scan
	wait_for 90 at_least "$total" "$f.stored"
	wait_for 30 cl_table "$t" "$f.acked"
	items=$(tail -1 "$TMP/$t.check")
	check "cluster $name: the table equals the expected set ($items)" cl_table "$t" "$f.acked"
	check "cluster $name: the consumer resumed without a restart (pid $qc alive; $(lines "$f.stored") stored, $(($(lines "$f.stored") - stored)) after the kill)" \
		cl_resumed "$qc" "$f.stored" "$stored"
	# what the kill did: the partition's leadership, or the quorum's, moved
	if [ "$who" = leader ]; then
		now=$(kl leader "$t" "$p")
		check "cluster $name: partition $p's leadership moved from node $victim to node $now" test -n "$now" -a "$now" != "$victim" -a "$now" != -1
	else
		now=$(kl controller)
		check "cluster $name: the quorum elected another controller (node $victim, then node $now)" test -n "$now" -a "$now" != "$victim"
	fi
	echo "integration: cluster $name: $total published, $(lines "$f.in") tailed, $acked produced, $ontopic on the topic ($twice twice), table: $items, $(lines "$f.stored") stored, at $((SECONDS - t0)) s" >&2
	kill -TERM "$qc" 2>/dev/null; wait_for 40 cl_gone "$qc"
	check "cluster $name: quake-consume exits on SIGTERM" cl_gone "$qc"
	kill -9 "$qc" 2>/dev/null; wait "$sink"
	emsc_down "$t"
	kl restart-keep "$victim" 2>"$f.restart"; rc=$?
	check "cluster $name: node $victim back and in every ISR ($(tail -1 "$f.restart"))" test $rc -eq 0
}

cluster_suite() {
	if ! kl start 2>"$TMP/cluster-start.log"; then
		fail "kafka-local start --brokers 3" "$(tail -3 "$TMP/cluster-start.log")"; return
	fi
	if ! scripts/ddb-local start 2>"$TMP/ddb-start.log"; then
		fail "ddb-local start" "$(tail -3 "$TMP/ddb-start.log")"; kl stop; return
	fi
	check "cluster: three nodes up ($(kl status | tr '\n' ' '))" cl_up
	echo "integration: cluster: kill a partition leader" >&2; cluster_round leader leader
	echo "integration: cluster: kill the active controller" >&2; cluster_round controller controller
	scripts/ddb-local stop
	kl stop
	[ -n "${CL_DEBUG:-}" ] && cp -r "$TMP"/cl-* "$TMP"/cluster "$CL_DEBUG"/
}
