# suite-cli — golden-file tests of the binaries as a user runs them.
# Sourced by tests/run; uses pass/fail/check and $B, $TMP.

ET="$B/bin/emsc-tail"
. tests/cli-aws.sh
. tests/cli-services.sh
. tests/cli-hardening.sh
. tests/cli-shake.sh
. tests/cli-msk.sh

cli_golden() {
	local f b rc
	for f in tests/data/emsc/*.json tests/data/emsc/*.ndjson; do
		b=$(basename "$f"); b=${b%.*}
		"$ET" --replay "$f" >"$TMP/out" 2>"$TMP/err"; rc=$?
		if [ $rc -eq 0 ] && cmp -s "$TMP/out" "tests/golden/$b.ndjson" && [ ! -s "$TMP/err" ]; then
			pass "golden $b"
		else
			fail "golden $b" "rc=$rc $(diff "$TMP/out" "tests/golden/$b.ndjson" | head -3) $(head -1 "$TMP/err")"
		fi
		# the goldens agree with an independent normalizer
		if python3 tests/normalize_ref.py "$f" | cmp -s - "tests/golden/$b.ndjson"; then
			pass "oracle $b"
		else
			fail "oracle $b" "tests/normalize_ref.py disagrees with tests/golden/$b.ndjson"
		fi
	done
}

cli_malformed() {
	local name want got rc n=0
	while IFS=$'\t' read -r name want; do
		n=$((n + 1))
		"$ET" --replay "tests/malformed/$name" >"$TMP/out" 2>"$TMP/err"; rc=$?
		got=$(cat "$TMP/err")
		if [ $rc -eq 65 ] && [ ! -s "$TMP/out" ] && [ "$got" = "$want" ]; then
			pass "malformed $name"
		else
			fail "malformed $name" "rc=$rc stderr=[$got] want=[$want]"
		fi
	done <tests/malformed/expected.txt
	check "malformed corpus has at least 40 cases" test "$n" -ge 40
}

# good frames around every bad one: every good one comes out, each bad one
# is named by the line it starts on, and the dead-letter file has them all
cli_mixed() {
	local good=tests/data/emsc/ws-frame-as-sent.json f ln=1 ok=1 want_lines=""
	: >"$TMP/mixed"; : >"$TMP/want"; : >"$TMP/dl-want"
	for f in tests/malformed/[0-9]*.json; do
		cat "$good" >>"$TMP/mixed"; ln=$((ln + $(wc -l <"$good")))
		cat tests/golden/ws-frame-as-sent.ndjson >>"$TMP/want"
		want_lines="$want_lines $ln"
		cat "$f" >>"$TMP/mixed"; cat "$f" >>"$TMP/dl-want"; ln=$((ln + $(wc -l <"$f")))
	done
	cat "$good" >>"$TMP/mixed"; cat tests/golden/ws-frame-as-sent.ndjson >>"$TMP/want"
	rm -f "$TMP/dl"
	"$ET" --replay "$TMP/mixed" --dead-letter "$TMP/dl" >"$TMP/out" 2>"$TMP/err"
	check "mixed: exit 65" test $? -eq 65
	check "mixed: every good frame printed" cmp -s "$TMP/out" "$TMP/want"
	check "mixed: one stderr line per bad frame" test "$(wc -l <"$TMP/err")" -eq 50
	check "mixed: stderr names the first line of each bad frame" \
		test "$(sed 's/.* line=\([0-9]*\) .*/\1/' "$TMP/err" | tr '\n' ' ')" = "${want_lines# } "
	check "mixed: dead-letter holds the bad frames verbatim" cmp -s "$TMP/dl" "$TMP/dl-want"
}

cli_limits() {
	local good=tests/data/emsc/ws-frames.ndjson rc
	{ head -1 "$good"; python3 -c 'import sys; sys.stdout.write("{\"action\":\"update\",\"data\":\"" + "x" * (2 << 20) + "\"}\n")'; tail -1 "$good"; } >"$TMP/big"
	"$ET" -r "$TMP/big" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "2 MiB frame: exit 65" test $rc -eq 65
	check "2 MiB frame: neighbours printed" test "$(wc -l <"$TMP/out")" -eq 2
	check "2 MiB frame: one error line" test "$(cat "$TMP/err")" = 'emsc-tail: level=warn msg=rejected line=2 reason="frame longer than 1048576 bytes"'
	# CRLF line ends and no newline at the end
	{ head -2 "$good" | sed 's/$/\r/'; tail -1 "$good" | tr -d '\n'; } >"$TMP/crlf"
	"$ET" -r "$TMP/crlf" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "CRLF and no final newline: 3 lines, exit 0" test $rc -eq 0 -a "$(wc -l <"$TMP/out")" -eq 3
	# a pretty-printed frame cut short, then a good frame: the good one survives
	{ head -12 tests/data/emsc/ws-frame-as-sent.json; cat tests/data/emsc/ws-frame-as-sent.json; } >"$TMP/cut"
	"$ET" -r "$TMP/cut" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "cut frame then good frame: exit 65" test $rc -eq 65
	check "cut frame then good frame: good one printed" cmp -s "$TMP/out" tests/golden/ws-frame-as-sent.ndjson
	check "cut frame then good frame: error names line 1" grep -q ' line=1 ' "$TMP/err"
	# empty input
	"$ET" -r /dev/null >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "empty input: exit 0, no output" test $rc -eq 0 -a ! -s "$TMP/out" -a ! -s "$TMP/err"
	# URLs are checked at start: exit 64 with one line, no connection tried
	timeout 5 "$ET" --url ws://127.0.0.1:1/x --fdsn-url ftp://127.0.0.1/q >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "bad --fdsn-url: exit 64, one line naming it" test $rc -eq 64 -a "$(wc -l <"$TMP/err")" -eq 1 -a \
		"$(grep -c 'msg="cannot use the FDSN URL" url=ftp://127.0.0.1/q' "$TMP/err")" -eq 1
	timeout 5 "$ET" --url http://127.0.0.1:1/x --fdsn-url http://127.0.0.1:1/q >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "bad --url: exit 64, one line naming it" test $rc -eq 64 -a "$(wc -l <"$TMP/err")" -eq 1 -a \
		"$(grep -c 'msg="cannot use the feed URL" url=http://127.0.0.1:1/x' "$TMP/err")" -eq 1
}

cli_options() {
	local rc
	"$ET" -r tests/data/emsc/ws-frames.ndjson --count 2 >"$TMP/out"; rc=$?
	check "--count 2 prints 2 lines" test $rc -eq 0 -a "$(wc -l <"$TMP/out")" -eq 2
	"$ET" -r tests/data/emsc/ws-frame-as-sent.json --raw >"$TMP/out"; rc=$?
	check "--raw re-flows a pretty frame onto one line" cmp -s "$TMP/out" <(head -1 tests/data/emsc/ws-frames.ndjson)
	"$ET" -r - <tests/data/emsc/ws-frames.ndjson >"$TMP/out"
	check "--replay - reads stdin" cmp -s "$TMP/out" tests/golden/ws-frames.ndjson
	"$ET" --bogus >/dev/null 2>&1; rc=$?
	check "unknown option: exit 64" test $rc -eq 64
	"$ET" -h >"$TMP/out"; rc=$?
	check "-h: usage on stdout, exit 0" test $rc -eq 0 -a -s "$TMP/out"
	check "-V prints name and version" grep -q '^emsc-tail [0-9]' <("$ET" -V)
	"$ET" -r /nonexistent 2>"$TMP/err"; rc=$?
	check "missing replay file: exit 74" test $rc -eq 74
	"$ET" -r tests/data/emsc/ws-frames.ndjson -c 0 2>/dev/null; rc=$?
	check "--count 0 is a usage error" test $rc -eq 64
	# EPIPE is a quiet stop
	for _ in $(seq 2000); do cat tests/data/emsc/ws-frames.ndjson; done >"$TMP/many"
	"$ET" -r "$TMP/many" 2>"$TMP/err" | head -1 >/dev/null
	rc=${PIPESTATUS[0]}
	check "EPIPE: exit 0 and silent" test $rc -eq 0 -a ! -s "$TMP/err"
}

# SigV4: our signer and botocore agree on generated DynamoDB requests
cli_sigv4_botocore() {
	local out
	if ! python3 -c 'import botocore' 2>/dev/null; then
		fail "sigv4 vs botocore" "python3-botocore is not installed (scripts/install-deps)"
		return
	fi
	out=$(python3 tests/sigv4_botocore.py "$B/tests/sigv4_sign" 300 2>&1)
	if printf '%s\n' "$out" | grep -q '^PASS' && ! printf '%s\n' "$out" | grep -q '^FAIL'; then
		pass "sigv4 vs botocore"
	else
		fail "sigv4 vs botocore" "$(printf '%s' "$out" | head -3)"
	fi
}

# every cli_* function in this file and the ones it sources is a case
suite_cli() { run_cases cli_; }

# bad_lines: $TMP/badlines, one of each kind of bad event line, and $TMP/want,
# the rejected status lines a sink answers them with
bad_lines() {
	printf '%s\n' '' 'not json' '[]' '{"id":"x"}' '{"id":"a b","action":"update"}' \
		"$(sed 's/"lat":-4.027/"lat":91.5/' <<<'{"id":"20240330_0000303","action":"update","time":"2024-03-30T04:09:58.597000Z","lastupdate":"2024-04-06T03:28:24.385933Z","lat":-4.027,"lon":143.2849,"depth":10.0,"mag":4.6,"magtype":"mb","region":"R","evtype":"ke","auth":"NEIC","source_catalog":"EMSC-RTS","source_id":"1"}')" >"$TMP/badlines"
	cat >"$TMP/want" <<'WANT'
{"id":"","status":"rejected","line":1,"error":"empty line"}
{"id":"","status":"rejected","line":2,"error":"not JSON: expected an object at byte 0"}
{"id":"","status":"rejected","line":3,"error":"not a JSON object"}
{"id":"x","status":"rejected","line":4,"error":"action: missing"}
{"id":"a b","status":"rejected","line":5,"error":"time: missing"}
{"id":"20240330_0000303","status":"rejected","line":6,"error":"lat: 91.5 out of range [-90, 90]"}
WANT
}

# quake-produce and quake-consume without a broker: usage, configuration,
# and rejected lines (which need no broker) answered in input order
cli_kafka_offline() {
	local QP="$B/bin/quake-produce" QC="$B/bin/quake-consume" rc
	"$QP" </dev/null >/dev/null 2>&1; rc=$?
	check "quake-produce without -t: exit 64" test $rc -eq 64
	"$QP" -t x -X nosuch.property=1 </dev/null >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-produce bad -X: exit 78" test $rc -eq 78
	check "quake-produce bad -X: names the key" grep -q 'key=nosuch.property' "$TMP/err"
	"$QP" -t x -F /nonexistent </dev/null >/dev/null 2>&1; rc=$?
	check "quake-produce missing -F file: exit 78" test $rc -eq 78
	"$QC" -t x -o middle >/dev/null 2>&1; rc=$?
	check "quake-consume bad -o: exit 64" test $rc -eq 64
	"$QC" >/dev/null 2>&1; rc=$?
	check "quake-consume without -t: exit 64" test $rc -eq 64
	check "-V prints versions" test "$("$QP" -V | cut -d' ' -f1)$("$QC" -V | cut -d' ' -f1)" = "quake-producequake-consume"
	# every bad line of the corpus: one rejected status line each, in order
	bad_lines
	rm -f "$TMP/dl"
	"$QP" -b 127.0.0.1:1 -t x -T 1 --dead-letter "$TMP/dl" <"$TMP/badlines" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "quake-produce bad lines only: exit 65" test $rc -eq 65
	check "quake-produce: one rejected status line per bad line, in order" cmp -s "$TMP/out" "$TMP/want"
	check "quake-produce: one stderr line per bad line" test "$(grep -c 'msg=rejected' "$TMP/err")" -eq 6
	check "quake-produce: dead-letter holds the bad lines" cmp -s "$TMP/dl" "$TMP/badlines"
	# a good line with no broker: not acknowledged, exit 75 after the timeout
	head -1 tests/golden/ws-frames.ndjson | "$QP" -b 127.0.0.1:1 -t x -T 1 -X message.timeout.ms=500 >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "quake-produce no broker: exit 75" test $rc -eq 75
	check "quake-produce no broker: no status line for the undelivered record" test ! -s "$TMP/out"
}

# every option in a binary's usage appears in its man page, and the man
# pages are mandoc -Tlint clean
cli_man() {
	local b opt missing
	for b in "$B"/bin/*; do
		b=$(basename "$b")
		[ -f "man/$b.1" ] || { fail "man page for $b" "man/$b.1 missing"; continue; }
		missing=""
		for opt in $("$B/bin/$b" -h | grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z]*' | tr -d ' ,' | sort -u); do
			case $opt in
			--*) grep -q -- "-${opt#--}" "man/$b.1" || missing="$missing $opt" ;;
			-*) grep -qE "^\.(It|Op) .*Fl ${opt#-}( |$)|^\.Op Fl [A-Za-z]*${opt#-}" "man/$b.1" || missing="$missing $opt" ;;
			esac
		done
		check "man/$b.1 documents every option${missing:+ (missing:$missing)}" test -z "$missing"
	done
	check "man pages are mandoc -Tlint clean" test -z "$(mandoc -Tlint -Wwarning man/*.[1-9] 2>&1)"
}

# the README's performance table is exactly what bench/table makes from the
# committed bench/results/*.tsv (no figure by hand), and the check notices
# a figure changed in the README
cli_bench_table() {
	local out
	out=$(bench/table --check README.md 2>&1)
	check "README's performance table = bench/table's from bench/results/*.tsv$(printf '%s' "$out" | head -c 300)" test -z "$out"
	sed '/^<!-- bench\/table:/,/^<!-- end of bench\/table/ s/| \([0-9]\)\.\([0-9]\)/| \1.\2\2/' README.md >"$TMP/README.md"
	check "bench/table --check fails on a figure edited by hand" test "$(cmp -s README.md "$TMP/README.md"; echo $?)" = 1
	check "bench/table --check fails on a figure edited by hand (exit 1)" \
		test "$(bench/table --check "$TMP/README.md" >/dev/null 2>&1; echo $?)" = 1
	out=$(for f in bench/results/*.tsv; do awk -F'\t' '$1 == "load" && split($2, l, " ") == 3 {ok = 1} END {if (!ok) print FILENAME}' "$f"; done)
	check "every bench/results/*.tsv holds the load average while it ran${out:+ (not: $out)}" test -z "$out"
}

# quake-produce puts stdin in non-blocking mode while it runs; the flag is
# shared with whoever handed stdin over and must be put back at exit
cli_stdin_flags() {
	local r
	r=$(python3 - "$B/bin/quake-produce" <<'PY'
import fcntl, os, subprocess, sys
rd, wr = os.pipe()
os.write(wr, b"\n")
os.close(wr)
subprocess.run([sys.argv[1], "-b", "127.0.0.1:1", "-t", "x", "-T", "0"], stdin=rd,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("nonblocking" if fcntl.fcntl(rd, fcntl.F_GETFL) & os.O_NONBLOCK else "blocking")
PY
)
	check "quake-produce restores stdin's blocking mode at exit" test "$r" = blocking
}
