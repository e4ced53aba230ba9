# bench/map.sh — quake-map's benchmarks, sourced by bench/run (bench_map; it
# runs under set -e: every status that may be non-zero is taken care of):
# SSE fan-out against nginx + nchan, the FDSN query against nginx serving
# the same bytes as a static file, and RSS with 200,000 events and 10,000
# clients. Bounded: every step has a timeout. MAP_NS= ("100 1000 10000"),
# MAP_RUNS= (3: runs of each fan-out size, the servers in turn).
MAPB_PORT=${QUAKE_BENCH_MAP_PORT:-22020}

mapb_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }	# ticks
mapb_rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
mapb_line() {	# an event line whose source_id is the µs it was written
	printf '{"id":"20991231_%07d","action":"create","time":"2026-11-30T00:00:00.000000Z","lastupdate":"2026-11-30T00:00:01.000000Z","lat":35.7,"lon":139.8,"depth":10.0,"mag":4.5,"magtype":"mb","region":"NEAR COAST OF EASTERN HONSHU, JAPAN","evtype":"ke","auth":"JMA","source_catalog":"EMSC-RTS","source_id":"%s"}\n' "$1" "$(date +%s%6N)"
}
mapb_nginx_conf() {	# PORT ROOT
	mkdir -p "$W/ngx"
	cat >"$W/ngx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
daemon off; master_process off; worker_rlimit_nofile 30000;
error_log $W/ngx/error.log error; pid $W/ngx/nginx.pid;
events { worker_connections 30000; }
http {
  access_log off; client_body_temp_path $W/ngx/b; proxy_temp_path $W/ngx/p;
  fastcgi_temp_path $W/ngx/f; uwsgi_temp_path $W/ngx/u; scgi_temp_path $W/ngx/s;
  server {
    listen 127.0.0.1:$1 backlog=16384;
    location = /pub { nchan_publisher; nchan_channel_id map; }
    location = /sub { nchan_subscriber eventsource; nchan_channel_id map; }
    location /static/ { root $2; default_type application/json; }
  }
}
CONF
}

# fanout KIND N: p50/p99/max ms, per-message spread, CPU ms and RSS MiB of
# the server; MAPB_COUNT lines, one every MAPB_IV ms on the publisher's own
# schedule (sse-clients --publish: the same for both servers, stamped at write);
# the clients read in 1 ms batches (SSE_BATCH_US): woken per socket, they took
# a third more CPU on the same 2 cores, and that is no server's cost
MAPB_COUNT=${MAP_COUNT:-20} MAPB_IV=${MAP_INTERVAL_MS:-250} MAPB_BATCH=${MAP_BATCH_US:-1000}
mapb_fanout() {
	local kind=$1 n=$2 run=$3 port=$((MAPB_PORT + 1)) pid cl c0 c1 r res i target=-
	rm -f "$W/fifo" "$W/cl.out"; mkfifo "$W/fifo"
	if [ "$kind" = quake-map ]; then
		( ulimit -n 20000; exec "$B/bin/quake-map" --listen 127.0.0.1:$port --window 0 <"$W/fifo" 2>/dev/null ) & pid=$!
		exec 5>"$W/fifo"
		path=/events/stream
	elif [ "$kind" = floor ]; then
		( ulimit -n 20000; exec "$W/sse-clients" --floor $port "$n" <"$W/fifo" ) & pid=$!
		exec 5>"$W/fifo"
		path=/
	else
		mapb_nginx_conf $port "$W"
		( ulimit -n 20000; exec nginx -p "$W/ngx" -c "$W/ngx/nginx.conf" 2>/dev/null ) & pid=$!
		exec 5>/dev/null
		path=/sub target=127.0.0.1:$port/pub
	fi
	sleep 1
	( ulimit -n 20000; export SSE_BATCH_US=$MAPB_BATCH; exec timeout 90 "$W/sse-clients" 127.0.0.1 $port $path "$n" "$MAPB_COUNT" 60 >"$W/cl.out" ) & cl=$!
	for i in $(seq 1 300); do grep -q ready "$W/cl.out" 2>/dev/null && break; sleep 0.1; done
	sleep 1
	c0=$(mapb_cpu $pid)
	timeout 60 "$W/sse-clients" --publish "$target" "$MAPB_COUNT" "$MAPB_IV" >&5 || true
	# the server's CPU and RSS once the clients have it all, before they close
	for i in $(seq 1 900); do grep -q '^clients' "$W/cl.out" && break; sleep 0.1; done
	c1=$(mapb_cpu $pid); r=$(mapb_rss $pid)
	wait $cl || true
	res=$(grep '^clients' "$W/cl.out" || echo "clients $n messages 0 p50_ms - p99_ms - max_ms - spread_ms -")
	exec 5>&-
	kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
	# clients N messages M p50_ms P p99_ms P max_ms P spread_ms S
	set -- $res
	local k="fanout.$kind.$n"
	rec "$k.received" "$4"; rec "$k.sent" "$((n * MAPB_COUNT))"; rec "$k.p50" "$6"; rec "$k.p99" "$8"; rec "$k.max" "${10}"
	rec "$k.spread" "${12}"; rec "$k.cpu_ms" "$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))"; rec "$k.rss_mib" "$r"
	[ "$kind" = floor ] && kind="floor: bare send() loop"
	printf '| %s | %s | %s | %s/%s | %s | %s | %s | %s | %s | %s |\n' "$kind" "$n" "$run" "$4" "$((n * MAPB_COUNT))" "$6" "$8" "${10}" "${12}" \
		"$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))" "$r"
}

# query LABEL MAP-LINES-ARGS...: quake-map holding 100,000 events, then the
# typical query against it and against nginx serving its answer's bytes
mapb_query() {
	local key=$1 label=$2 port=$((MAPB_PORT + 2)) nport=$((MAPB_PORT + 3)) pid npid q start t_first w
	shift 2
	python3 tests/map-lines.py 100000 "$@" >"$W/100k"
	start=$(date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%S)
	q="starttime=$start&minmagnitude=2.5&format=geojson"
	"$B/bin/quake-map" --listen 127.0.0.1:$port <"$W/100k" 2>/dev/null & pid=$!
	for i in $(seq 1 100); do [ "$(curl -s -o /dev/null -w %{http_code} 127.0.0.1:$port/healthz)" = 200 ] && break; sleep 0.1; done
	t_first=$(curl -s -o "$W/static/q.json" --create-dirs -w '%{time_total}' "http://127.0.0.1:$port/fdsnws/event/1/query?$q")
	mapb_nginx_conf $nport "$W"
	nginx -p "$W/ngx" -c "$W/ngx/nginx.conf" 2>/dev/null & npid=$!
	sleep 1
	local a n
	a="$(du -k "$W/static/q.json" | cut -f1) KiB, $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["count"])' "$W/static/q.json") events"
	n="$(echo "$t_first * 1000" | bc -l | cut -d. -f1) ms"
	rec "query.$key.kib" "$(du -k "$W/static/q.json" | cut -f1)"; rec "query.$key.first_ms" "${n% ms}"
	w=$(mapb_wrk "http://127.0.0.1:$port/fdsnws/event/1/query?$q")
	echo "| $label: $a | quake-map (cached answer; first, uncached: $n) | $w |"
	mapb_recwrk "query.$key.quake-map" "$w"
	w=$(mapb_wrk "http://127.0.0.1:$nport/static/q.json")
	echo "| | nginx static file, same bytes | $w |"
	mapb_recwrk "query.$key.nginx" "$w"
	kill $pid $npid 2>/dev/null || true; wait $pid $npid 2>/dev/null || true
}
# wrk's latencies (850.00us, 9.43ms, 1.02s) in ms
MAPB_MS='function ms(v) { if (v ~ /us$/) return sprintf("%.3f", v / 1000); if (v ~ /ms$/) return sprintf("%.2f", v + 0); if (v ~ /s$/) return sprintf("%.0f", v * 1000); return v }'
mapb_wrk() {	# URL -> "req/s | p50 | p99" with 32 connections, "| p50 | p99" with one, in ms
	wrk -t2 -c32 -d8s --latency "$1" 2>/dev/null | awk "$MAPB_MS"' /Requests\/sec/ {r=$2} /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} END {printf "%s | %s | %s", r, p50, p99}'
	wrk -t1 -c1 -d5s --latency "$1" 2>/dev/null | awk "$MAPB_MS"' /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} END {printf " | %s | %s", p50, p99}'
}
mapb_recwrk() {	# KEY "req/s | p50 | p99 | p50 | p99"
	local r a b c d
	IFS='|' read -r r a b c d <<<"$2" || true
	rec "$1.rps" $r; rec "$1.p50" $a; rec "$1.p99" $b; rec "$1.p50_one" $c; rec "$1.p99_one" $d
}

mapb_rss200k() {
	local port=$((MAPB_PORT + 4)) pid r0 r1 cl
	python3 tests/map-lines.py 200000 >"$W/200k"
	rm -f "$W/fifo2"; mkfifo "$W/fifo2"
	( ulimit -n 20000; exec "$B/bin/quake-map" --listen 127.0.0.1:$port <"$W/fifo2" 2>/dev/null ) & pid=$!
	exec 6>"$W/fifo2"; cat "$W/200k" >&6
	for i in $(seq 1 300); do [ "$(curl -s "127.0.0.1:$port/fdsnws/event/1/count")" = 200000 ] && break; sleep 0.2; done
	r0=$(mapb_rss $pid)
	( ulimit -n 20000; exec timeout 60 "$W/sse-clients" 127.0.0.1 $port "/events/stream?minmagnitude=9.9" 10000 1 25 >"$W/cl2.out" ) & cl=$!
	for i in $(seq 1 300); do grep -q ready "$W/cl2.out" 2>/dev/null && break; sleep 0.1; done
	sleep 2
	# at now: the store is full (200,000), so an event older than all it
	# holds (mapb_line's fixed 2026-11-30) is refused and nobody gets it
	mapb_line 1 | sed "s/\"mag\":4.5/\"mag\":9.9/; s/2026-11-30T00:00:0[01]/$(date -u +%Y-%m-%dT%H:%M:%S)/g" >&6
	wait $cl || true
	r1=$(mapb_rss $pid)
	echo "| 200,000 events held | $r0 MiB |"
	echo "| + 10,000 stream clients connected ($(tail -1 "$W/cl2.out" | awk '{print $4}') of 10000 got the next event) | $r1 MiB |"
	rec rss.held_mib "$r0"; rec rss.clients_mib "$r1"; rec rss.clients_got "$(tail -1 "$W/cl2.out" | awk '{print $4}')"
	exec 6>&-
	kill $pid || true; wait $pid 2>/dev/null || true
}

bench_map() {
	local n r j servers=(quake-map nchan floor)
	cc -O2 -o "$W/sse-clients" bench/sse-clients.c
	{
		echo "## quake-map: SSE fan-out, one stdin line to N clients ($MAPB_COUNT lines, one every $MAPB_IV ms), against nginx + nchan"
		echo
		echo "| server | clients | run | messages received | p50 ms | p99 ms | max ms | spread ms | server CPU ms | server RSS MiB |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
		# MAP_RUNS runs of each size, the servers in turn, the first rotating
		for n in ${MAP_NS:-100 1000 10000}; do
			for ((r = 0; r < ${MAP_RUNS:-3}; r++)); do
				for j in 0 1 2; do mapb_fanout "${servers[(r + j) % 3]}" "$n" $((r + 1)); done
			done
		done
		echo
		echo "## quake-map: FDSN query (7 days, M>=2.5, geojson) over 100,000 events, wrk -t2 -c32 -d8s, then -t1 -c1 -d5s"
		echo
		echo "| events held, answer | server | requests/s, 32 connections | p50 ms | p99 ms | p50 ms, one connection | p99 ms, one connection |"
		echo "|---|---|---|---|---|---|---|"
		mapb_query typical "typical: 30 days, magnitudes from M1.0 with b = 1" --days 30 --b 1.0
		mapb_query dense "dense: 7 days, a third of them M2.5+"
		echo
		echo "Typical: the window quake-map holds by default (30 days), magnitudes by Gutenberg-Richter with the global b-value from M1.0, so about 3% are M2.5 or more. Dense: every event in one week, a third of them M2.5+: the answer is bandwidth-bound. One run of each."
		echo
		echo "## quake-map: memory"
		echo
		echo "| state | RSS |"
		echo "|---|---|"
		mapb_rss200k
		echo
		echo "Machine: $(nproc) cores shared with other work, $(uname -m), $(date -u +%Y-%m-%d). Latency: the publisher's write (quake-map's stdin, nchan's publish POST) to its arrival at a client, same clock; the floor: a bare send() loop. Goals: p99 < 100 ms at 10,000 and no worse than nchan; >= 0.5x nginx static, p99 < 5 ms; < 64 MiB."
	} | tee "$OUT/map.md"
}

# catch-up (issue 28.5): clients connecting at once to what is held, /healthz
# (and an FDSN query) probed every 20 ms meanwhile on fresh connections.
# mapb_cu BIN LABEL HELD PATH N SECONDS MARK: MARK 1 publishes an M9.9 line
# once every client has its headers and times until all of them have it
# ("all live": sse-clients ends then, 2 s later); 0 reads for SECONDS
mapb_cu() {
	local bin=$1 label=$2 held=$3 path=$4 n=$5 secs=$6 mark=$7 port=$((MAPB_PORT + 5)) pid cl pr pq t0 t1 live=- res hz fq b0 b1 k
	rm -f "$W/fifo3"; mkfifo "$W/fifo3"
	( ulimit -n 20000; exec "$bin" --listen 127.0.0.1:$port --window 0 <"$W/fifo3" 2>/dev/null ) & pid=$!
	exec 7>"$W/fifo3"; cat "$held" >&7
	for i in $(seq 1 600); do [ "$(curl -s "127.0.0.1:$port/fdsnws/event/1/count")" = "$(wc -l <"$held")" ] && break; sleep 0.2; done
	python3 bench/healthz-probe.py 127.0.0.1 $port 20 $((secs + 60)) >"$W/probe.out" & pr=$!
	python3 bench/healthz-probe.py 127.0.0.1 $port 100 $((secs + 60)) "/fdsnws/event/1/query?minmag=6&format=text" >"$W/probeq.out" & pq=$!
	b0=$(curl -s "127.0.0.1:$port/metrics" | awk '$1 == "quake_map_sse_bytes_total" {print $2}')
	t0=$(date +%s%N)
	( ulimit -n 20000; exec timeout $((secs + 30)) "$W/sse-clients" 127.0.0.1 $port "$path" "$n" 1 "$secs" >"$W/cu.out" ) & cl=$!
	if [ "$mark" = 1 ]; then
		for i in $(seq 1 $((secs * 10))); do grep -q ready "$W/cu.out" 2>/dev/null && break; sleep 0.1; done
		# now: older than every held event it would be refused (the store is full)
		grep -q ready "$W/cu.out" || echo "bench: not all $n clients connected in ${secs} s" >&2
		mapb_line 9999999 | sed "s/\"mag\":4.5/\"mag\":9.9/; s/2026-11-30T00:00:0[01]/$(date -u +%Y-%m-%dT%H:%M:%S)/g" >&7
		wait $cl || true
		t1=$(date +%s%N)
		res=$(grep '^clients' "$W/cu.out" || echo "clients $n messages 0")
		k=$(echo "$res" | awk '{print $4}')
		[ "$k" = "$n" ] && live=$(echo "($t1 - $t0) / 1000000000 - 2" | bc -l | xargs printf '%.1f')
	else
		sleep "$secs"
		k=-
	fi
	b1=$(curl -s -m 60 "127.0.0.1:$port/metrics" | awk '$1 == "quake_map_sse_bytes_total" {print $2}')
	kill $pr $pq 2>/dev/null || true; wait $pr $pq 2>/dev/null || true
	kill $cl 2>/dev/null || true; wait $cl 2>/dev/null || true
	exec 7>&-
	kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
	hz=$(cat "$W/probe.out") fq=$(cat "$W/probeq.out")
	local conn=all; grep -q ready "$W/cu.out" || conn="not all"
	set -- $hz; local hn=$2 h50=$4 h99=$6 hmax=$8
	set -- $fq; local qn=$2 q50=$4 q99=$6 qmax=$8
	local key="catchup.$label.$n"
	rec "$key.live_s" "$live"; rec "$key.got" "$k"; rec "$key.all_connected" "$([ "$conn" = all ] && echo 1 || echo 0)"; rec "$key.healthz_p50" "$h50"; rec "$key.healthz_p99" "$h99"; rec "$key.healthz_max" "$hmax"
	rec "$key.fdsn_p99" "$q99"; rec "$key.fdsn_max" "$qmax"; rec "$key.mib_sent" "$(( (${b1:-0} - ${b0:-0}) / 1048576 ))"
	printf '| %s | %s (%s connected) | %s | %s/%s | %s | %s / %s / %s (%s) | %s / %s (%s) | %s |\n' "$label" "$n" "$conn" "$path" "$k" "$n" "$live" "$h50" "$h99" "$hmax" "$hn" \
		"$q99" "$qmax" "$qn" "$(( (${b1:-0} - ${b0:-0}) / 1048576 ))"
}

# bench/run catchup [B_OLD=DIR: the build before, in turn]
bench_catchup() {
	local r bins=("$B/bin/quake-map") labels=(now) j
	cc -O2 -o "$W/sse-clients" bench/sse-clients.c
	python3 tests/map-lines.py 200000 >"$W/200k"
	python3 tests/map-lines.py 60000 >"$W/60k"
	if [ -n "${B_OLD:-}" ]; then bins+=("$B_OLD/bin/quake-map"); labels+=(before); fi
	{
		echo "## quake-map: catch-up bounded across clients (issue 28.5)"
		echo
		echo "| build | clients | path | got the next event | all live, s | /healthz p50 / p99 / max ms (probes) | FDSN query p99 / max ms (probes) | MiB sent |"
		echo "|---|---|---|---|---|---|---|---|"
		for ((r = 0; r < ${MAP_RUNS:-3}; r++)); do
			for ((j = 0; j < ${#bins[@]}; j++)); do
				k=$(( (r + j) % ${#bins[@]} ))
				mapb_cu "${bins[k]}" "${labels[k]}" "$W/200k" "/events/stream?minmagnitude=9.9" ${CATCHUP_N:-10000} ${CATCHUP_SECS:-60} 1
				mapb_cu "${bins[k]}" "${labels[k]}" "$W/60k" "/events/stream" 400 20 0
			done
		done
		echo
		echo "${CATCHUP_N:-10000} clients with minmagnitude=9.9 connect at once to 200,000 held events (none of them M9.9); once every one has its headers one M9.9 line is written to stdin: \"all live\" is the time from the first connect until the last client has it (bounded: ${CATCHUP_SECS:-60} s). 400 clients without a filter connect at once to 60,000 held events and read as fast as they can for 20 s (the catch-up is ~27 MB each: it does not end). Meanwhile /healthz every 20 ms and an FDSN query (minmag=6, text, cached after the first) every 100 ms, each on a fresh connection (Python; the latency includes its connect). Goal: /healthz p99 < 50 ms."
		echo
		echo "Machine: $(nproc) cores shared with other work, $(uname -m), $(date -u +%Y-%m-%d)."
	} | tee "$OUT/catchup.md"
}
