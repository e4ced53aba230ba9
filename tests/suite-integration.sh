# suite-integration — the binaries against a real Apache Kafka 4.x broker
# (scripts/kafka-local). Sourced by tests/run. Bounded: every wait has a limit.

export KAFKA_PORT=${QUAKE_TEST_KAFKA_PORT:-19292}
# the suite's broker only (not exported: make run's and the cluster's
# brokers must not take it): OAUTHBEARER for integration-msk
KAFKA_OAUTH_PORT=$((KAFKA_PORT + 2))
export KAFKA_DIR="$TMP/kafka"
BK=127.0.0.1:$KAFKA_PORT
QP="$B/bin/quake-produce"
QC="$B/bin/quake-consume"

# wait_for SECONDS COMMAND...: poll until the command succeeds
# wait_for SECONDS CMD...: until CMD succeeds; SECONDS (30 and more) is a
# hang guard, never a speed: speeds are measured in bench/
wait_for() { local t=$(($1 * 10)); shift; while ! "$@"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.1; done; }
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# at_least N FILE...: the files hold N lines or more together (re-counted each call)
at_least() { local n=$1 t=0 f; shift; for f in "$@"; do t=$((t + $(lines "$f"))); done; [ "$t" -ge "$n" ]; }

kafka_roundtrip() {
	scripts/kafka-local topic rt 4 2>/dev/null
	"$QP" -b "$BK" -t rt <"$TMP/in100k" >"$TMP/acks" 2>"$TMP/perr"; local rc=$?
	check "produce 100k: exit 0" test $rc -eq 0
	check "produce 100k: one status line per input line, in order" \
		test "$(jq -r .line "$TMP/acks" | awk '$1 != NR {bad=1} END {print NR, bad+0}')" = "100000 0"
	check "produce 100k: all produced" test "$(grep -c '"status":"produced"' "$TMP/acks")" -eq 100000
	# a queue smaller than a staged batch (256 records): records go in as
	# room frees up, in input order, 10 revisions of each event
	python3 tests/gen-lines.py 2000 10 >"$TMP/in-revs"
	scripts/kafka-local topic rt-small 4 2>/dev/null
	timeout 120 "$QP" -b "$BK" -t rt-small -X queue.buffering.max.messages=100 -X queue.buffering.max.kbytes=16 \
		<"$TMP/in-revs" >"$TMP/small-acks" 2>/dev/null; rc=$?
	check "produce through a 100-record queue: exit 0, 20000 status lines in order" \
		test "$rc $(jq -r .line "$TMP/small-acks" | awk '$1 != NR {bad=1} END {print NR, bad+0}')" = "0 20000 0"
	"$QC" -b "$BK" -t rt-small -g rt-small -e >"$TMP/small-out" 2>/dev/null
	check "through a 100-record queue: every record, per-key order kept" \
		test "$(lines "$TMP/small-out") $(jq -r '[.id, .lastupdate] | @tsv' "$TMP/small-out" |
		awk -F'\t' '($1 in last) && $2 <= last[$1] {bad++} {last[$1] = $2} END {print bad+0}')" = "20000 0"
	# ids of 21 (kept inline with the record), 22 and 63 bytes (allocated)
	local id21=123456789012345678901 id22=1234567890123456789012 id63
	id63=$(printf 'x%.0s' $(seq 63))
	head -1 "$TMP/in100k" | awk -v a="$id21" -v b="$id22" -v c="$id63" \
		'{ for (i = 1; i <= 3; i++) { l = $0; sub(/"id":"[^"]*"/, "\"id\":\"" (i == 1 ? a : i == 2 ? b : c) "\"", l); print l } }' \
		>"$TMP/long-ids"
	scripts/kafka-local topic rt-ids 1 2>/dev/null
	"$QP" -b "$BK" -t rt-ids <"$TMP/long-ids" >"$TMP/ids-acks" 2>/dev/null
	check "ids of 21, 22 and 63 bytes: in the status lines and as keys" \
		test "$(jq -r .id "$TMP/ids-acks" | tr '\n' ' ')/$(kcat -C -b "$BK" -t rt-ids -e -q -f '%k ' 2>/dev/null)" = \
		"$id21 $id22 $id63 /$id21 $id22 $id63 "
	"$QC" -b "$BK" -t rt -g rt1 -e >"$TMP/out100k" 2>"$TMP/cerr"; rc=$?
	check "consume 100k: exit 0" test $rc -eq 0
	check "100k round trip byte-identical (as a set)" cmp -s <(sort "$TMP/in100k") <(sort "$TMP/out100k")
	check "per-key order kept" test "$(jq -r '[.id, .lastupdate] | @tsv' "$TMP/out100k" |
		awk -F'\t' '($1 in last) && $2 <= last[$1] {bad++} {last[$1] = $2} END {print bad+0}')" = 0
	"$QC" -b "$BK" -t rt -g rt1 -e >"$TMP/again" 2>/dev/null
	check "same group again: offsets were committed, nothing new" test ! -s "$TMP/again"
	"$QC" -b "$BK" -t rt -g rt1 -o beginning -c 10 >"$TMP/again" 2>/dev/null
	check "-o beginning -c 10 rereads 10" test "$(lines "$TMP/again")" -eq 10
	# librdkafka 2.0.2 pauses fetching up to 1 s once its small queue is
	# full; quake-consume wakes it with a watermark query (ListOffsets) when
	# a full queue ran dry. Whether a free-running consumer ever empties a
	# full queue depends on the machine's load (it failed on a loaded one),
	# so the reader makes it happen: it stops reading for 0.3 s after every
	# 2 MiB, quake-consume blocks on stdout meanwhile and its queue fills
	# (fetching pauses); then it drains that queue in milliseconds, well
	# within the pause: a wake each time (~13). A few records (below half a
	# queueful) never wake it: only the 4 initial offset lookups are sent.
	# How much the wake speeds up a backlog is bench/run kafka's consume row.
	QUAKE_LOG_LEVEL=debug "$QC" -b "$BK" -t rt -g rt-wake -e -X debug=protocol 2>"$TMP/wake.err" |
		python3 -c 'import sys, time
n = 0
with open(sys.argv[1], "wb") as out:
    while True:
        b = sys.stdin.buffer.read1(65536)
        if not b:
            break
        out.write(b)
        n += len(b)
        if n >= 2 << 20:
            n = 0
            time.sleep(0.3)' "$TMP/wake.out"
	check "consume backlog, read in bursts: the fetcher is woken (ListOffsets > 4: $(grep -c 'Sent ListOffsetsRequest' "$TMP/wake.err"))" \
		test "$(lines "$TMP/wake.out")" -eq 100000 -a "$(grep -c 'Sent ListOffsetsRequest' "$TMP/wake.err")" -gt 4
	scripts/kafka-local topic rt-few 4 2>/dev/null
	head -300 "$TMP/in100k" | "$QP" -b "$BK" -t rt-few >/dev/null 2>&1
	QUAKE_LOG_LEVEL=debug "$QC" -b "$BK" -t rt-few -g rt-few -e -X debug=protocol >"$TMP/few.out" 2>"$TMP/few.err"
	check "consume a few records: no wake (ListOffsets: $(grep -c 'Sent ListOffsetsRequest' "$TMP/few.err"))" \
		test "$(lines "$TMP/few.out")" -eq 300 -a "$(grep -c 'Sent ListOffsetsRequest' "$TMP/few.err")" -le 4
}

kafka_kcat() {
	scripts/kafka-local topic kc 2 2>/dev/null
	head -1000 "$TMP/in100k" | "$QP" -b "$BK" -t kc >/dev/null 2>&1
	kcat -b "$BK" -t kc -C -e -q -f '%k\t%s\n' >"$TMP/kc" 2>/dev/null
	check "kcat reads quake-produce: 1000 records" test "$(lines "$TMP/kc")" -eq 1000
	check "kcat reads quake-produce: key = id" test "$(awk -F'\t' '{ if (index($2, "{\"id\":\"" $1 "\",") != 1) bad++ } END {print bad+0}' "$TMP/kc")" = 0
	scripts/kafka-local topic kp 2 2>/dev/null
	sed -n '1001,2000p' "$TMP/in100k" | sed -E 's/^\{"id":"([^"]+)".*/\1|&/' >"$TMP/kp-in"
	kcat -b "$BK" -t kp -P -K '|' -l "$TMP/kp-in" 2>/dev/null
	"$QC" -b "$BK" -t kp -g kp1 -e >"$TMP/kp-out" 2>/dev/null
	check "quake-consume reads kcat -P" cmp -s <(sed -n '1001,2000p' "$TMP/in100k" | sort) <(sort "$TMP/kp-out")
	# quake-produce partitions keys itself (cmd/quake-produce/partition.c): every key
	# must land where librdkafka's partitioner, in kcat, puts it; with
	# another -X partitioner, librdkafka partitions (and still agrees)
	local part
	for part in "" murmur2_random; do
		scripts/kafka-local topic "pq$part" 7 2>/dev/null
		scripts/kafka-local topic "pk$part" 7 2>/dev/null
		sed -n '2001,5000p' "$TMP/in100k" | "$QP" -b "$BK" -t "pq$part" ${part:+-X partitioner=$part} >/dev/null 2>&1
		sed -n '2001,5000p' "$TMP/in100k" | sed -E 's/^\{"id":"([^"]+)".*/\1|&/' |
			kcat -b "$BK" -t "pk$part" -P -K '|' ${part:+-X partitioner=$part} 2>/dev/null
		check "quake-produce puts 3000 keys in the partitions kcat does (7 partitions, partitioner ${part:-default})" \
			cmp -s <(kcat -b "$BK" -t "pq$part" -C -e -q -f '%k %p\n' | sort) \
			<(kcat -b "$BK" -t "pk$part" -C -e -q -f '%k %p\n' | sort)
		check "and in input order within each partition (${part:-default})" \
			cmp -s <(kcat -b "$BK" -t "pq$part" -C -e -q -f '%p %o %k\n' | sort -k1,1n -k2,2n | cut -d' ' -f1,3) \
			<(kcat -b "$BK" -t "pk$part" -C -e -q -f '%p %o %k\n' | sort -k1,1n -k2,2n | cut -d' ' -f1,3)
	done
}

# a topic that does not exist: a configuration error (78), said once, and
# no line is acknowledged
kafka_no_topic() {
	local rc
	head -3000 "$TMP/in100k" | "$QP" -b "$BK" -t no-such-topic \
		-X topic.metadata.propagation.max.ms=1000 >"$TMP/nt-out" 2>"$TMP/nt-err"; rc=$?
	check "missing topic: exit 78" test "$rc" -eq 78
	check "missing topic: no status line" test ! -s "$TMP/nt-out"
	check "missing topic: one line for the failure, one for the count (not one per record)" \
		test "$(grep -c 'msg="delivery failed"\|msg="cannot produce"' "$TMP/nt-err")" -eq 1 -a \
		"$(grep -c 'msg="records not delivered"' "$TMP/nt-err")" -eq 1
}

# broker killed -9 and restarted while quake-produce streams: nothing lost,
# nothing duplicated on the topic (idempotent producer)
kafka_broker_restart() {
	scripts/kafka-local topic br 4 2>/dev/null
	head -20000 "$TMP/in100k" >"$TMP/br-in"
	python3 -c '
import sys, time
for i, l in enumerate(open(sys.argv[1])):
    sys.stdout.write(l)
    if i % 500 == 0: sys.stdout.flush(); time.sleep(0.05)
' "$TMP/br-in" | "$QP" -b "$BK" -t br >"$TMP/br-acks" 2>"$TMP/br-err" &
	local pp=$! at
	# the kill lands mid-stream: after 2000 status lines, checked below to
	# be before the last (the feed takes 2 s or more: 500 lines per 0.05 s)
	wait_for 60 at_least 2000 "$TMP/br-acks"	# a hang guard
	scripts/kafka-local kill; at=$(lines "$TMP/br-acks")
	scripts/kafka-local restart-keep 2>/dev/null
	wait $pp; local rc=$?
	check "broker restart: killed mid-stream ($at of 20000 acknowledged then)" test "$at" -ge 2000 -a "$at" -lt 20000
	check "broker restart: producer exit 0" test $rc -eq 0
	check "broker restart: 20000 status lines" test "$(grep -c produced "$TMP/br-acks")" -eq 20000
	kcat -b "$BK" -t br -C -e -q -f '%s\n' >"$TMP/br-out" 2>/dev/null
	check "broker restart: 20000 records on the topic" test "$(lines "$TMP/br-out")" -eq 20000
	check "broker restart: no duplicates, none missing" cmp -s <(sort "$TMP/br-in") <(sort -u "$TMP/br-out")
	# started while the broker is down: the partition count cannot be asked
	# (librdkafka partitions until it can), and nothing is lost
	scripts/kafka-local topic br-late 4 2>/dev/null
	scripts/kafka-local topic br-late-k 4 2>/dev/null
	scripts/kafka-local kill
	head -3000 "$TMP/in100k" | timeout 120 "$QP" -b "$BK" -t br-late -T 60 >"$TMP/bl-acks" 2>/dev/null &
	pp=$!
	sleep 2; scripts/kafka-local restart-keep 2>/dev/null
	wait $pp; rc=$?
	check "broker down at start: producer exit 0, 3000 produced" \
		test $rc -eq 0 -a "$(grep -c produced "$TMP/bl-acks")" -eq 3000
	head -3000 "$TMP/in100k" | sed -E 's/^\{"id":"([^"]+)".*/\1|&/' |
		kcat -b "$BK" -t br-late-k -P -K '|' 2>/dev/null
	check "broker down at start: each key in the partition kcat puts it in" \
		cmp -s <(kcat -b "$BK" -t br-late -C -e -q -f '%k %p\n' | sort) \
		<(kcat -b "$BK" -t br-late-k -C -e -q -f '%k %p\n' | sort)
}

# quake-consume killed -9 mid-stream with --acks: after a restart every
# event reaches downstream at least once
kafka_consumer_kill() {
	scripts/kafka-local topic ck 4 2>/dev/null
	head -30000 "$TMP/in100k" >"$TMP/ck-in"
	"$QP" -b "$BK" -t ck <"$TMP/ck-in" >/dev/null 2>&1
	mkfifo "$TMP/ck-fifo"; : >"$TMP/ck-out"
	( "$QC" -b "$BK" -t ck -g ck1 -X session.timeout.ms=6000 -X auto.commit.interval.ms=200 --acks "$TMP/ck-fifo" 2>>"$TMP/ck-err" |
		python3 tests/ack-echo.py "$TMP/ck-out" "$TMP/ck-fifo" 0.0003 ) &
	wait_for 30 at_least 5000 "$TMP/ck-out"
	# the whole service dies at once (as systemd would kill the pair):
	# lines in the pipe are lost, so only acked offsets may be committed
	pkill -9 -f "ack-echo.py $TMP/ck-out"; pkill -9 -f "quake-consume -b $BK -t ck"; { wait; } 2>/dev/null
	local first; first=$(lines "$TMP/ck-out")
	( "$QC" -b "$BK" -t ck -g ck1 -X session.timeout.ms=6000 -X auto.commit.interval.ms=200 --acks "$TMP/ck-fifo" -e 2>>"$TMP/ck-err" |
		python3 tests/ack-echo.py "$TMP/ck-out" "$TMP/ck-fifo" ) &
	local cp=$!
	( sleep 60; kill $cp 2>/dev/null ) & local guard=$!
	wait $cp; kill $guard 2>/dev/null
	check "consumer kill -9: first run was cut short" test "$first" -lt 30000
	check "consumer kill -9 + --acks: every event delivered at least once" \
		test "$(comm -23 <(sort -u "$TMP/ck-in") <(sort -u "$TMP/ck-out") | wc -l)" -eq 0
}

# --acks commits exactly what was acknowledged, deterministically: the
# stand-in acknowledges the first 1000 lines of 3000 and never the rest;
# quake-consume -e ends, waits (bounded) for acks and commits what is
# stored; the group then gets exactly the 2000 lines never acknowledged
kafka_consumer_commits() {
	local rc
	scripts/kafka-local topic cc 3 2>/dev/null
	sed -n '40001,43000p' "$TMP/in100k" >"$TMP/cc-in"
	"$QP" -b "$BK" -t cc <"$TMP/cc-in" >/dev/null 2>&1
	rm -f "$TMP/cc-fifo"; mkfifo "$TMP/cc-fifo"; : >"$TMP/cc-out"
	timeout 120 "$QC" -b "$BK" -t cc -g cc1 --acks "$TMP/cc-fifo" -e 2>"$TMP/cc-err" |
		python3 tests/ack-echo.py "$TMP/cc-out" "$TMP/cc-fifo" 0 1000
	rc=${PIPESTATUS[0]}
	check "commits: the first run wrote all 3000, exit 0 ($rc)" test "$rc $(lines "$TMP/cc-out")" = "0 3000"
	timeout 120 "$QC" -b "$BK" -t cc -g cc1 -e >"$TMP/cc-again" 2>/dev/null
	check "commits: the group again: exactly the 2000 lines never acknowledged ($(lines "$TMP/cc-again"))" \
		cmp -s <(tail -n +1001 "$TMP/cc-out" | sort) <(sort "$TMP/cc-again")
}

# two consumers in one group split the partitions and together see all
kafka_group_split() {
	scripts/kafka-local topic gs 4 2>/dev/null
	"$QC" -b "$BK" -t gs -g gs1 >"$TMP/gs-a" 2>/dev/null & local a=$!
	"$QC" -b "$BK" -t gs -g gs1 >"$TMP/gs-b" 2>/dev/null & local b=$!
	sleep 6
	head -20000 "$TMP/in100k" >"$TMP/gs-in"
	"$QP" -b "$BK" -t gs <"$TMP/gs-in" >/dev/null 2>&1
	wait_for 30 at_least 20000 "$TMP/gs-a" "$TMP/gs-b"
	kill -TERM $a $b; wait $a; local ra=$?; wait $b; local rb=$?
	check "group: SIGTERM exits 0" test $ra -eq 0 -a $rb -eq 0
	check "group: both members got records" test -s "$TMP/gs-a" -a -s "$TMP/gs-b"
	check "group: together every event, once" cmp -s <(sort "$TMP/gs-in") <(sort "$TMP/gs-a" "$TMP/gs-b")
}

# --acks is strict in quake-consume: a line that is not a status line, or one
# out of order, ends it with 70 and one error line (nothing is committed)
kafka_bad_acks() {
	local rc line want
	scripts/kafka-local topic badack 1 2>/dev/null
	head -10 "$TMP/in100k" | "$QP" -b "$BK" -t badack >/dev/null 2>&1
	for line in 'not a status line' '{"id":"a","status":"stored","line":5}'; do
		rm -f "$TMP/badack"; mkfifo "$TMP/badack"
		printf '%s\n' "$line" >"$TMP/badack" &
		timeout 60 "$QC" -b "$BK" -t badack -g badack -o beginning --acks "$TMP/badack" \
			>/dev/null 2>"$TMP/badack.err"; rc=$?
		case $line in not*) want='not a status line' ;; *) want='out of order' ;; esac
		check "--acks: \"$line\" ends quake-consume with 70 and one error line" \
			test "$rc $(grep -c "level=error.*$want" "$TMP/badack.err")" = "70 1"
		wait
	done
}

# -o s@MS and --since: the first record at or after a time, per partition
# (records carry the producer's create time); before any, beginning and end
kafka_start_time() {
	local t0 t1 secs
	scripts/kafka-local topic st 3 2>/dev/null
	head -3000 "$TMP/in100k" >"$TMP/st-a"; sed -n '3001,4000p' "$TMP/in100k" >"$TMP/st-b"
	"$QP" -b "$BK" -t st <"$TMP/st-a" >/dev/null 2>&1
	sleep 2; t0=$(date +%s%3N); sleep 2
	"$QP" -b "$BK" -t st <"$TMP/st-b" >/dev/null 2>&1
	timeout 60 "$QC" -b "$BK" -t st -g st1 -o "s@$t0" -e >"$TMP/st-o" 2>/dev/null
	check "-o s@MS: exactly the records produced after MS" cmp -s <(sort "$TMP/st-b") <(sort "$TMP/st-o")
	t1=$(date +%s%3N); secs=$(( (t1 - t0) / 1000 ))
	timeout 60 "$QC" -b "$BK" -t st -g st2 --since "${secs}s" -e >"$TMP/st-s" 2>/dev/null
	check "--since ${secs}s (the same instant): the same records" cmp -s <(sort "$TMP/st-b") <(sort "$TMP/st-s")
	timeout 60 "$QC" -b "$BK" -t st -g st3 -o s@0 -e >"$TMP/st-0" 2>/dev/null
	check "-o s@0: every record" test "$(lines "$TMP/st-0")" -eq 4000
	timeout 60 "$QC" -b "$BK" -t st -g st4 -o "s@$((t1 + 3600000))" -e >"$TMP/st-f" 2>/dev/null; local rc=$?
	check "-o s@(an hour ahead): nothing, exit 0 at the end" test "$rc $(lines "$TMP/st-f")" = "0 0"
	timeout 60 "$QC" -b "$BK" -t st -g st1 -o "s@$t0" -e >"$TMP/st-o2" 2>/dev/null
	check "-o s@MS again in the same group: the same records (the time wins over the commit)" \
		cmp -s <(sort "$TMP/st-b") <(sort "$TMP/st-o2")
	# joining while records arrive on partitions that held nothing that
	# late: each starts where it ended at the lookup, so none is skipped
	scripts/kafka-local topic st-live 4 2>/dev/null
	"$QC" -b "$BK" -t st-live -g st5 --since 1h >"$TMP/st-live" 2>/dev/null & local qc=$!
	head -300 "$TMP/in100k" | while IFS= read -r l; do printf '%s\n' "$l"; sleep 0.02; done |
		"$QP" -b "$BK" -t st-live >/dev/null 2>&1
	wait_for 30 at_least 300 "$TMP/st-live"
	kill -TERM $qc; wait $qc 2>/dev/null
	check "--since on partitions filling up as it joins: every record ($(lines "$TMP/st-live") of 300)" \
		test "$(lines "$TMP/st-live")" -eq 300
}

# standin, standin_stop (the AWS stand-ins), also when this suite runs alone
. tests/cli-aws.sh
. tests/integration-ddb.sh
. tests/integration-emsc.sh
. tests/integration-alert.sh
. tests/integration-map.sh
. tests/integration-run.sh
. tests/integration-shake.sh
. tests/integration-cluster.sh
. tests/integration-msk.sh

# quake-shake's samples through Kafka: quake-produce --kind samples keys
# each line by its phone's 0.5-degree cell; the detector after
# quake-consume gives what it gives reading the receiver's lines directly
kafka_shake() {
	local rc
	python3 tests/gen_pushes.py network | "$B/bin/quake-shake" --pushes >"$TMP/shake-in"
	printf '%s\n' '{"kind":"samples","device":"d"}' >>"$TMP/shake-in"
	scripts/kafka-local topic shake 4 2>/dev/null
	"$QP" -b "$BK" -t shake --kind samples <"$TMP/shake-in" >"$TMP/shake-acks" 2>/dev/null; rc=$?
	check "shake: quake-produce --kind samples exits 65 for the one bad line" test $rc -eq 65
	check "shake: 300 produced, the bad line rejected, in order" \
		test "$(jq -r .status "$TMP/shake-acks" | sort | uniq -c | awk '{printf "%s %s ", $1, $2}')/$(jq -r .line "$TMP/shake-acks" |
		awk '$1 != NR {bad=1} END {print NR, bad+0}')" = "300 produced 1 rejected /301 0"
	check "shake: every key is the phones' cell" \
		test "$(kcat -C -b "$BK" -t shake -e -q -f '%k %p\n' 2>/dev/null | sort -u | tr '\n' ' ')" = "cell:94:17 $(kcat -C -b "$BK" -t shake -e -q -f '%p\n' 2>/dev/null | sort -u) "
	"$QC" -b "$BK" -t shake -g shake -e 2>/dev/null | "$B/bin/quake-shake" --detect >"$TMP/shake-out" 2>/dev/null
	check "shake: through Kafka, the reference's triggers and detection (tests/golden/shake/network.ndjson)" \
		python3 tests/shake_compare.py "$TMP/shake-out" tests/golden/shake/network.ndjson
}

# coincidence past one detector on the real broker: the straddling group's
# samples keyed by cell (cell:94:17 and cell:95:17 land in partitions 2
# and 3 of 4), two detectors in one consumer group (roundrobin: each gets
# one of them) writing onsets through quake-produce --kind triggers, one
# quake-shake --coincide after quake-consume: the reference's detection
# (tests/golden/shake/straddle.ndjson, tests/shake_ref.py)
kafka_shake_coincide() {
	local qa qb pa pb want k da db
	python3 tests/gen_pushes.py straddle | "$B/bin/quake-shake" --pushes >"$TMP/sc-in"
	want=$(grep -F '{"kind":"detection",' tests/golden/shake/straddle.ndjson)	# the reference's
	scripts/kafka-local topic sc 4 2>/dev/null
	scripts/kafka-local topic sc-trig 1 2>/dev/null
	for k in a b; do
		rm -f "$TMP/sc-f$k"; mkfifo "$TMP/sc-f$k"
		"$QC" -b "$BK" -t sc -g sc-det -X partition.assignment.strategy=roundrobin \
			>"$TMP/sc-f$k" 2>"$TMP/sc-qc$k" &
		eval "q$k=\$!"
		"$B/bin/quake-shake" --detect --onsets <"$TMP/sc-f$k" | tee "$TMP/sc-o$k" |
			"$QP" -b "$BK" -t sc-trig --kind triggers >"$TMP/sc-acks$k" 2>/dev/null &
		eval "p$k=\$!"
	done
	sleep 6	# both members assigned
	"$QP" -b "$BK" -t sc --kind samples <"$TMP/sc-in" >/dev/null 2>&1
	wait_for 30 at_least 6 "$TMP/sc-oa" "$TMP/sc-ob"
	kill -TERM "$qa" "$qb"; wait "$qa" "$qb" "$pa" "$pb" 2>/dev/null
	check "shake coincide: the cells in partitions 2 and 3 ($(kcat -C -b "$BK" -t sc -e -q -f '%k %p\n' 2>/dev/null | sort -u | tr '\n' ' '))" \
		test "$(kcat -C -b "$BK" -t sc -e -q -f '%k %p\n' 2>/dev/null | sort -u | tr '\n' ' ')" = "cell:94:17 2 cell:95:17 3 "
	da=$(jq -r .device "$TMP/sc-oa" | sort -u | tr '\n' ' ')
	db=$(jq -r .device "$TMP/sc-ob" | sort -u | tr '\n' ' ')
	check "shake coincide: the two detectors saw a and b c, one cell each ($da/ $db)" \
		test "$(printf '%s\n' "$da" "$db" | sort | tr '\n' /)" = "phone-a /phone-b phone-c /"
	check "shake coincide: 6 onset and trigger lines produced, keyed by device ($(kcat -C -b "$BK" -t sc-trig -e -q -f '%k\n' 2>/dev/null | sort | uniq -c | awk '{printf "%s %s ", $1, $2}'))" \
		test "$(kcat -C -b "$BK" -t sc-trig -e -q -f '%k\n' 2>/dev/null | sort | uniq -c | awk '{printf "%s %s ", $1, $2}')" = "2 device:phone-a 2 device:phone-b 2 device:phone-c "
	timeout 60 "$QC" -b "$BK" -t sc-trig -g sc-co -e 2>/dev/null | "$B/bin/quake-shake" --coincide >"$TMP/sc-out" 2>/dev/null
	check "shake coincide: through Kafka, exactly the reference's detection ($(cat "$TMP/sc-out"))" \
		test -n "$want" -a "$(cat "$TMP/sc-out")" = "$want"
}

# the cases in the order they run; PATTERN picks among them (tests/run);
# each group's service (the broker, DynamoDB Local) starts only when one of
# its cases is picked
INTEGRATION_CASES="kafka_roundtrip kafka_kcat kafka_no_topic kafka_broker_restart
	kafka_consumer_kill kafka_consumer_commits kafka_bad_acks kafka_group_split kafka_alerts kafka_start_time
	kafka_shake kafka_shake_coincide kafka_shake_acks kafka_map_service kafka_detections kafka_map_resume kafka_map_lb kafka_msk_oauth
	ddb_roundtrip ddb_stale ddb_shuffle ddb_faults ddb_errors ddb_get_range ddb_map_archive
	emsc_live_order emsc_drop emsc_stall emsc_fdsn emsc_state emsc_misc emsc_service_backfill
	make_run e2e_end_to_end e2e_chaos cluster_suite"

# picked PREFIX: the picked cases named PREFIX*
picked() { local c; for c in "${PICKED[@]}"; do case $c in "$1"*) printf '%s\n' "$c" ;; esac; done; }
run_picked() { local c; for c; do echo "integration: ${c//_/ }" >&2; "$c"; done; }

suite_integration() {
	local c kafka ddb rest
	# shellcheck disable=SC2086
	select_cases $INTEGRATION_CASES
	kafka=$(picked kafka_); ddb=$(picked ddb_); rest=$(picked emsc_; picked make_; picked e2e_; picked cluster_)
	if [ -n "$kafka" ]; then
		if KAFKA_OAUTH_PORT=$KAFKA_OAUTH_PORT scripts/kafka-local start 2>"$TMP/kafka-start.log"; then
			python3 tests/gen-lines.py 25000 4 >"$TMP/in100k"
			# shellcheck disable=SC2086
			run_picked $kafka
			scripts/kafka-local stop
		else
			fail "kafka-local start" "$(tail -3 "$TMP/kafka-start.log")"
		fi
	fi
	if [ -n "$ddb" ]; then
		if scripts/ddb-local start 2>"$TMP/ddb-start.log"; then
			# shellcheck disable=SC2086
			run_picked $ddb
			scripts/ddb-local stop
		else
			fail "ddb-local start" "$(tail -3 "$TMP/ddb-start.log")"
		fi
	fi
	# shellcheck disable=SC2086
	run_picked $rest
	CHECK_FILTER=""
}

e2e_end_to_end() { e2e 0 200 "end to end: every event stored at its newest revision"; }
e2e_chaos() { e2e "${CHAOS_ROUNDS:-6}" 200 "chaos: kill -9 filters, broker, DynamoDB Local, drop the WebSocket"; }

# e2e ROUNDS EVENTS NAME: tests/chaos, whose last line is the verdict
e2e() {
	local out
	# to a file, not a pipe: a process left behind cannot hold the test up
	B="$B" timeout 600 tests/chaos "$1" "$2" >"$TMP/chaos.out" 2>/dev/null
	out=$(grep '^chaos:' "$TMP/chaos.out")
	printf '%s\n' "$out" | sed 's/^/  /' >&2
	check "$3 ($(printf '%s\n' "$out" | tail -1 | cut -c8-))" grep -q 'table equals the expected set' <<<"$out"
}
