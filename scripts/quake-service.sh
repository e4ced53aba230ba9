# quake-service.sh — what scripts/quake-ingest, quake-sink and quake-web share:
# configuration from one environment file, a restart backoff, and running
# a pair of filters wired by two FIFOs (data downstream, status lines back
# upstream) so that if either stage ends, the other is stopped and the
# service exits non-zero for systemd to restart the pair. Sourced, not run.

# Load QUAKE_ENV_FILE (default /etc/quake/quake.env) if readable; flags set
# in it are exported to the filters. Variables already set win.
service_env() {
	local f=${QUAKE_ENV_FILE:-/etc/quake/quake.env} k v
	[ -r "$f" ] || return 0
	while IFS='=' read -r k v; do
		case $k in ''|\#*) continue ;; esac
		v=${v%\"}; v=${v#\"}
		[ -n "${!k+x}" ] || export "$k=$v"
	done <"$f"
}

# Where stage NAME's diagnostics go: its own file under QUAKE_LOG_DIR, else
# the service's stderr (journald), each line prefixed by the tool's name.
# Opened on FD, never as /dev/stderr: under systemd stderr is the journal's
# socket, which open() refuses (ENXIO; tests/boot-debian.sh found it).
stage_err() {
	if [ -n "${QUAKE_LOG_DIR:-}" ]; then eval "exec $2>>\"\$QUAKE_LOG_DIR/$1.log\""; else eval "exec $2>&2"; fi
}

# A restart within a minute of the last start waits 1, 2, 4 ... 60 s first
# (systemd 252 has no RestartSteps). The count lives in STATE.
service_backoff() {
	local f=$1/$SERVICE.restarts now last=0 n=0 d
	now=$(date +%s)
	[ -r "$f" ] && read -r last n <"$f"
	if [ $((now - last)) -lt 60 ]; then n=$((n + 1)); else n=0; fi
	if [ "$n" -gt 0 ]; then
		d=$((1 << (n < 6 ? n - 1 : 6))); [ $d -gt 60 ] && d=60
		echo "${SERVICE}: level=warn msg=\"restarting soon after the last start\" wait_s=$d" >&2
		sleep "$d"
	fi
	echo "$(date +%s) $n" >"$f"
}

# service_run UPNAME DOWNNAME: run "${UP[@]}" | "${DOWN[@]}" with the
# downstream's status lines going to $ACKS (made here; give it to UP's
# --acks as @ACKS@). Without @ACKS@ in UP (quake-web) nothing flows back:
# the downstream's stdout is discarded. Returns only by exiting.
service_run() {
	local run p1 p2 rc r1 r2 stopping=0 back
	run=$(mktemp -d "${RUNTIME_DIRECTORY:-${TMPDIR:-/tmp}}/$SERVICE.XXXXXX")
	trap 'rm -rf "$run"' EXIT
	mkfifo "$run/data" "$run/acks"
	back=$run/acks
	[[ "${UP[*]}" == *@ACKS@* ]] || back=/dev/null
	UP=("${UP[@]//@ACKS@/$run/acks}")
	trap 'stopping=1' TERM INT
	stage_err "$1" 5
	stage_err "$2" 6
	"${UP[@]}" >"$run/data" 2>&5 5>&- 6>&- & p1=$!
	"${DOWN[@]}" <"$run/data" >"$back" 2>&6 5>&- 6>&- & p2=$!
	exec 5>&- 6>&-
	wait -n "$p1" "$p2"; rc=$?
	# one stage ended, or we were told to stop: stop both, collect both
	kill -TERM "$p1" "$p2" 2>/dev/null
	wait "$p1"; r1=$?
	wait "$p2"; r2=$?
	if [ $stopping = 1 ]; then
		[ $r1 -eq 0 ] || [ $r1 -eq 143 ] || exit $r1
		[ $r2 -eq 0 ] || [ $r2 -eq 143 ] || exit $r2
		exit 0
	fi
	echo "${SERVICE}: level=error msg=\"a stage ended; stopping the pair\" $1=$r1 $2=$r2" >&2
	[ $rc -ne 0 ] && exit $rc
	# both may have ended before wait -n looked (upstream failed, then
	# downstream saw EOF and exited 0): the one that failed speaks
	for r in $r1 $r2; do [ $r -ne 0 ] && [ $r -ne 143 ] && exit $r; done
	exit 75	# a stage of a service never ends on its own
}
