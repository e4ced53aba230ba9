# cli-services — scripts/quake-ingest and quake-sink with stand-in stages
# under QUAKE_BIN (their systemd units are suite-deploy's). Sourced by
# suite-cli.sh.

services_stubs() {
	mkdir -p "$TMP/sbin"
	# upstream: say what it was given, open the ack FIFO as emsc-tail does,
	# then run until told, or exit early
	cat >"$TMP/sbin/emsc-tail" <<'SH'
#!/bin/sh
echo "$*" >"$STUB_DIR/up.args"
acks=$(echo "$*" | sed 's/.*--acks \([^ ]*\).*/\1/')
exec 3<"$acks"
echo '{"id":"a"}'
[ -n "${STUB_UP_EXIT:-}" ] && { sleep 0.3; exit "$STUB_UP_EXIT"; }
trap 'exit 0' TERM
while :; do sleep 0.1; done
SH
	# downstream: copy data to the status-line side, or exit early
	cat >"$TMP/sbin/quake-produce" <<'SH'
#!/bin/sh
[ -n "${STUB_DOWN_EXIT:-}" ] && { sleep 0.3; exit "$STUB_DOWN_EXIT"; }
trap 'exit 0' TERM
while read -r l; do echo "$l"; echo "$l" >>"$STUB_DIR/down.seen"; done
SH
	chmod +x "$TMP/sbin/emsc-tail" "$TMP/sbin/quake-produce"
}

# run the ingest service with stubs; prints its exit status
ingest() {
	env QUAKE_BIN="$TMP/sbin" STUB_DIR="$TMP" QUAKE_ENV_FILE=/dev/null \
		QUAKE_STATE_DIR="$TMP/state-$1" "${@:2}" scripts/quake-ingest 2>>"$TMP/svc.err"
}

cli_services() {
	local pid rc
	services_stubs
	: >"$TMP/svc.err"
	STUB_UP_EXIT=3 ingest a; rc=$?
	check "service: upstream exits 3 -> the service exits 3" test $rc -eq 3
	check "service: the other stage was stopped" test -z "$(pgrep -f "$TMP/sbin/quake-produce")"
	check "service: the stage's end is one stderr line" grep -q 'msg="a stage ended; stopping the pair" emsc-tail=3 quake-produce=' "$TMP/svc.err"
	STUB_DOWN_EXIT=75 ingest b; rc=$?
	check "service: downstream exits 75 -> the service exits non-zero" test $rc -ne 0
	check "service: upstream stopped too" test -z "$(pgrep -f "$TMP/sbin/emsc-tail")"
	STUB_UP_EXIT=0 ingest c; rc=$?
	check "service: a stage ending cleanly on its own is still a failure (75)" test $rc -eq 75
	rm -f "$TMP/down.seen" "$TMP/up.args"
	env QUAKE_BIN="$TMP/sbin" STUB_DIR="$TMP" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$TMP/state-d" \
		scripts/quake-ingest 2>>"$TMP/svc.err" & pid=$!
	wait_for_file() { local t=50; while [ ! -s "$1" ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done; }
	wait_for_file "$TMP/down.seen"
	check "service: data flows upstream -> downstream" grep -q '"id":"a"' "$TMP/down.seen"
	check "service: upstream gets the state file and the ack FIFO" \
		grep -qE -- "--state $TMP/state-d/emsc.state --acks .*/acks" "$TMP/up.args"
	kill -TERM $pid; wait $pid; rc=$?
	check "service: SIGTERM stops both and exits 0" test $rc -eq 0 -a -z "$(pgrep -f "$TMP/sbin/")"
	# quick restarts back off
	printf '%s 0\n' "$(date +%s)" >"$TMP/state-e.restarts"
	mkdir -p "$TMP/state-e"; mv "$TMP/state-e.restarts" "$TMP/state-e/quake-ingest.restarts"
	STUB_UP_EXIT=1 ingest e
	check "service: a restart within a minute waits first" grep -q 'msg="restarting soon after the last start" wait_s=1' "$TMP/svc.err"
	# configuration from the environment file; variables already set win
	printf 'QUAKE_TOPIC=fromfile\nQUAKE_EMSC_ARGS=--since 6h\n# comment\n' >"$TMP/q.env"
	STUB_UP_EXIT=1 ingest f QUAKE_ENV_FILE="$TMP/q.env"
	check "service: flags from the env file reach the stage" grep -q -- '--since 6h' "$TMP/up.args"
}

# scripts/quake-web with stand-in stages: quake-consume's group and start
# position, quake-map's listen address, no ack FIFO, the pair stops together
cli_web_service() {
	local pid rc d=$TMP/web
	mkdir -p "$d/sbin"
	cat >"$d/sbin/quake-consume" <<'SH'
#!/bin/sh
echo "$*" >"$STUB_DIR/consume.args"
echo '{"id":"a"}'
[ -n "${STUB_UP_EXIT:-}" ] && { sleep 0.3; exit "$STUB_UP_EXIT"; }
trap 'exit 0' TERM
while :; do sleep 0.1; done
SH
	cat >"$d/sbin/quake-map" <<'SH'
#!/bin/sh
echo "$*" >"$STUB_DIR/map.args"
trap 'exit 0' TERM
while read -r l; do echo "$l" >>"$STUB_DIR/map.seen"; echo "not a status line"; done
SH
	chmod +x "$d/sbin/quake-consume" "$d/sbin/quake-map"
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state" \
		QUAKE_MAP_LISTEN=0.0.0.0:8081 QUAKE_MAP_ARGS="--window 7d" scripts/quake-web 2>>"$d/err" & pid=$!
	local t=50; while [ ! -s "$d/map.seen" ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	check "quake-web: data flows quake-consume -> quake-map" grep -q '"id":"a"' "$d/map.seen"
	check "quake-web: its own group per host, --since the window, no acks ($(cat "$d/consume.args"))" \
		grep -qxE -- "-t quake -g map-[^ ]+ --since 30d --positions" "$d/consume.args"
	check "quake-web: quake-map gets QUAKE_MAP_LISTEN and QUAKE_MAP_ARGS" grep -qx -- "--listen 0.0.0.0:8081 --window 7d" "$d/map.args"
	kill -TERM $pid; wait $pid; rc=$?
	check "quake-web: SIGTERM stops both and exits 0" test $rc -eq 0 -a -z "$(pgrep -f "$d/sbin/")"
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" STUB_UP_EXIT=69 QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state2" \
		scripts/quake-web 2>>"$d/err"; rc=$?
	check "quake-web: quake-consume exits 69 -> the service exits 69, quake-map stopped" \
		test $rc -eq 69 -a -z "$(pgrep -f "$d/sbin/")"
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" STUB_UP_EXIT=69 QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state3" \
		QUAKE_DETECTIONS_TOPIC=quake-detections scripts/quake-web 2>>"$d/err"
	check "quake-web: QUAKE_DETECTIONS_TOPIC: the same quake-consume reads that topic too ($(cat "$d/consume.args"))" \
		grep -qxE -- "-t quake -g map-[^ ]+ --since 30d --positions -t quake-detections" "$d/consume.args"
}
