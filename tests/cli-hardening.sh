# cli-hardening — issue 16: closed standard fds, signals during a back-fill
# and an idle --replay -, checkpoints in the future. Sourced by suite-cli.sh.

# hard_wait SECONDS CMD...: poll CMD every 0.05 s until it succeeds
hard_wait() { local t=$(($1 * 20)); shift; while ! "$@"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.05; done; }
# hard_gone PID SECONDS: the process exited within SECONDS (a hang guard:
# 30 s or more, never a speed asserted)
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
# --replay - waits on an idle stdin: it exits (before: once the page timed
# out, 60 s, and never). 30 s is a hang guard below that 60 s, not a speed.
cli_hard_signals() {
	local pid rc
	hard_fdsn_up silent
	"$ET" --url ws://127.0.0.1:1/x --fdsn-url "http://127.0.0.1:$HARD_PORT/q" --since 1h \
		>"$TMP/out" 2>"$TMP/err" & pid=$!
	hard_wait 5 test -s "$TMP/fdsn.log"
	kill -TERM $pid
	if hard_gone $pid 30; then wait $pid; rc=$?
		check "SIGTERM during a back-fill: exit 0, the page not waited for" test $rc -eq 0
	else kill -9 $pid; wait $pid; fail "SIGTERM during a back-fill: exit 0, the page not waited for" "still running 30 s later"; fi
	check "SIGTERM during a back-fill: no further page asked for" test "$(wc -l <"$TMP/fdsn.log")" -eq 1
	hard_fdsn_down
	rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
	exec 9<>"$TMP/fifo"
	"$ET" --replay - <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" & pid=$!
	sleep 0.3
	kill -TERM $pid
	if hard_gone $pid 30; then wait $pid; rc=$?
		check "SIGTERM with --replay - idle: exit 0" test $rc -eq 0
	else kill -9 $pid; wait $pid; fail "SIGTERM with --replay - idle: exit 0" "still running 30 s later"; fi
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

# credentials: a named profile that is missing or of a kind not supported
# is exit 78 (never the instance role); --profile beats the environment;
# credential_process; web identity against the STS stand-in
cli_hard_profiles() {
	local CG="$B/tests/creds_get" DP="$B/bin/quake-ddb-put" M out rc
	standin hmeta meta --expires-in 3600 --sts-token oidc-ok || { fail "meta stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	mkdir -p "$TMP/aws"
	printf '[dev]\naws_access_key_id = AKDEV\naws_secret_access_key = SKDEV\n' >"$TMP/aws/credentials"
	cat >"$TMP/aws/cp" <<'SH'
#!/bin/sh
echo "$*" >>"${0%/*}/cp.log"
printf '{"Version":1,"AccessKeyId":"AKPROC","SecretAccessKey":"S","SessionToken":"T","Expiration":"2099-01-01T00:00:00Z"}\n'
SH
	chmod +x "$TMP/aws/cp"
	printf '[profile sso]\nsso_start_url = https://x.awsapps.com/start\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n[profile proc]\ncredential_process = "%s" --a "b c"\n[profile wi]\nrole_arn = arn:aws:iam::1:role/wi\nweb_identity_token_file = %s\n' \
		"$TMP/aws/cp" "$TMP/aws/oidc" >"$TMP/aws/config"
	printf 'oidc-ok\n' >"$TMP/aws/oidc"
	local files="AWS_SHARED_CREDENTIALS_FILE=$TMP/aws/credentials AWS_CONFIG_FILE=$TMP/aws/config AWS_EC2_METADATA_SERVICE_ENDPOINT=$M"
	# shellcheck disable=SC2086
	out=$(noaws env $files AWS_PROFILE=nosuchprofile "$CG" 0)
	check "AWS_PROFILE=nosuchprofile: exit 78 naming it and the files, not the instance role" \
		test "$out" = "error 78 profile nosuchprofile not found in $TMP/aws/credentials or $TMP/aws/config"
	# shellcheck disable=SC2086
	out=$(noaws env $files "$CG" --profile nosuchprofile 0)
	check "--profile nosuchprofile: exit 78" test "${out%% profile*}" = "error 78"
	# shellcheck disable=SC2086
	noaws env $files AWS_PROFILE=nosuchprofile "$DP" -t quake -e http://127.0.0.1:1 </dev/null >/dev/null 2>"$TMP/err"; rc=$?
	check "quake-ddb-put with a missing profile: exit 78, one line" \
		test $rc -eq 78 -a "$(grep -c 'msg="no AWS credentials".*profile nosuchprofile not found' "$TMP/err")" -eq 1
	check "missing profile: instance metadata never asked" test "$(curl -s "$M/stats" | jq '.creds_imds // 0')" -eq 0
	# shellcheck disable=SC2086
	out=$(noaws env $files "$CG" --profile sso 0)
	check "SSO profile: refused, exit 78" test "${out%%:*}" = "error 78 profile sso is an SSO profile"
	# shellcheck disable=SC2086
	out=$(noaws env $files "$CG" --profile role 0)
	check "role_arn + source_profile: refused, exit 78" test "${out%% (*}" = "error 78 profile role assumes a role"
	# shellcheck disable=SC2086
	out=$(noaws env $files AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s "$CG" --profile dev 0)
	check "--profile beats AWS_ACCESS_KEY_ID" test "$out" = "file AKDEV 1"
	# shellcheck disable=SC2086
	out=$(noaws env $files AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s AWS_PROFILE=dev "$CG" 0)
	check "AWS_PROFILE does not beat AWS_ACCESS_KEY_ID (as botocore)" test "$out" = "env AKENV 1"
	rm -f "$TMP/aws/cp.log"
	# shellcheck disable=SC2086
	out=$(noaws env $files "$CG" --profile proc 0 60 3600 | tr '\n' ,)
	check "credential_process: run once, cached until expiry" test "$out" = "process AKPROC 1,process AKPROC 1,process AKPROC 1,"
	check "credential_process: no shell, words split as sh would" test "$(cat "$TMP/aws/cp.log")" = "--a b c"
	# shellcheck disable=SC2086
	out=$(noaws env $files AWS_ENDPOINT_URL_STS=$M/sts "$CG" --profile wi 0)
	check "web identity from a profile: STS AssumeRoleWithWebIdentity" test "$out" = "web-identity ASIASTS0001 1"
	out=$(noaws AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/aws/oidc" AWS_ROLE_ARN=arn:aws:iam::1:role/wi \
		AWS_ENDPOINT_URL_STS=$M/sts AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0 60 | tr '\n' ,)
	check "web identity from the environment (EKS): fetched once, cached" test "$out" = "web-identity ASIASTS0002 1,web-identity ASIASTS0002 1,"
	printf 'oidc-bad' >"$TMP/aws/bad"
	out=$(noaws AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/aws/bad" AWS_ROLE_ARN=arn:aws:iam::1:role/wi \
		AWS_ENDPOINT_URL_STS=$M/sts AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0)
	check "web identity refused by STS: exit 78, STS's reason" \
		test "$out" = "error 78 STS AssumeRoleWithWebIdentity: HTTP 400 InvalidIdentityToken token refused"
	out=$(noaws AWS_ROLE_ARN=arn:aws:iam::1:role/wi AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0)
	check "AWS_ROLE_ARN without a token file: exit 78" test "$out" = "error 78 missing while AWS_ROLE_ARN is set"
	check "no source above fell through to instance metadata" test "$(curl -s "$M/stats" | jq '.creds_imds // 0')" -eq 0
	standin_stop hmeta
}

# the container endpoint: only what the AWS SDKs accept; a token with CR or
# LF is refused before any request
cli_hard_container() {
	local CG="$B/tests/creds_get" M out u
	standin hmeta meta --ecs-token sekrit || { fail "meta stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	for u in file:///etc/passwd http://10.0.0.1/creds http://169.254.170.3/creds ftp://127.0.0.1/x gopher://127.0.0.1/x; do
		out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=$u "$CG" 0)
		check "container URI $u: refused, exit 78" test "${out%%: *}" = "error 78 not https, nor http to a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
	done
	out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=$M/ecs/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=$'sekrit\r\nX-Injected: 1' "$CG" 0)
	check "container token with CR LF: refused, exit 78" test "$out" = "error 78 the token holds a CR or LF"
	printf 'sekrit\nX-Injected: 1\n' >"$TMP/tok"
	out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=$M/ecs/creds AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TMP/tok" "$CG" 0)
	check "container token file with two lines: refused, exit 78" test "$out" = "error 78 the token holds a CR or LF"
	check "container: no request made for a refused URI or token" test "$(curl -s "$M/stats" | jq '(.creds_ecs // 0) + (.ecs_unauthorized // 0)')" -eq 0
	out=$(noaws AWS_CONTAINER_CREDENTIALS_FULL_URI=http://localhost:${M##*:}/ecs/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=sekrit "$CG" 0)
	check "container URI on localhost over http: accepted" test "$out" = "ecs ASIAECS0001 1"
	standin_stop hmeta
}

# the region goes into a host name: only a-z 0-9 -
cli_hard_region() {
	local DP="$B/bin/quake-ddb-put" rc
	head -1 tests/golden/ws-frames.ndjson | noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b \
		AWS_REGION='x@127.0.0.1:1/#' "$DP" -t quake --max-attempts 1 >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "region with @ : / #: exit 78 before any request" \
		test $rc -eq 78 -a "$(cat "$TMP/err")" = 'quake-ddb-put: level=error msg="not a region name (a-z 0-9 -)" region=x@127.0.0.1:1/#'
}

# credentials that arrive expired: used with a warning, asked for again
# with backoff (1 s, 2 s, 4 s …), not for every request; credentials
# refused: one line, not one per request in flight
cli_hard_expired() {
	local CG="$B/tests/creds_get" DP="$B/bin/quake-ddb-put" M out rc
	standin hmeta meta --expires-in -60 || { fail "meta stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	out=$(noaws AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$CG" 0 0 1 2 3 4 5 6 7 | cut -d' ' -f3 | tr '\n' ,)
	check "expired credentials: refetched after 1, 2, 4 s, not every call ($out)" test "$out" = "1,1,2,2,3,3,3,3,4,"
	python3 tests/gen-lines.py 200 1 >"$TMP/200"
	local before; before=$(curl -s "$M/stats" | jq '.creds_imds')
	noaws AWS_EC2_METADATA_SERVICE_ENDPOINT=$M "$DP" -t quake -e http://127.0.0.1:1 --max-attempts 1 \
		<"$TMP/200" >/dev/null 2>"$TMP/err"
	out=$(( $(curl -s "$M/stats" | jq '.creds_imds') - before ))
	check "quake-ddb-put, 200 lines, expired credentials: a few fetches, not 201 ($out)" test "$out" -le 4
	check "quake-ddb-put, expired credentials: a warning per fetch" grep -q 'msg="credentials arrived expired' "$TMP/err"
	standin_stop hmeta
	standin hdeny deny || { fail "deny stand-in" "did not start"; return; }
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e "http://127.0.0.1:$SPORT" -c 16 \
		<"$TMP/200" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "credentials refused: exit 78, one line (of $(curl -s "http://127.0.0.1:$SPORT/stats" | jq .requests) requests)" \
		test $rc -eq 78 -a "$(grep -c 'msg="credentials refused"' "$TMP/err")" -eq 1
	standin_stop hdeny
}

# every status line a sink writes parses with the ack parser, whatever the
# input: a long multi-byte id is cut between characters, never inside one
# (before: an invalid line that stopped quake-consume --acks for good)
cli_hard_status_lines() {
	local AC="$B/tests/ack_check" s out id
	id=$(printf 'é%.0s' $(seq 40))
	printf '{"id":"%s","action":"nope"}\n' "$id" >"$TMP/long-id"
	out=$("$B/bin/quake-produce" -b 127.0.0.1:1 -t x -T 0 <"$TMP/long-id" 2>/dev/null)
	check "id of 40 two-byte characters: cut to 31 whole ones in the status line" \
		test "$out" = "{\"id\":\"$(printf 'é%.0s' $(seq 31))\",\"status\":\"rejected\",\"line\":1,\"error\":\"id: longer than 63 bytes\"}"
	for s in 1 2 3; do
		python3 tests/random-lines.py "$s" 2000 reject >"$TMP/random"
		out=$("$B/bin/quake-produce" -b 127.0.0.1:1 -t x -T 0 <"$TMP/random" 2>/dev/null | "$AC")
		check "quake-produce, 2000 random bad lines (seed $s): every status line parses ($out)" test "$out" = "ok 2000"
		out=$(noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$B/bin/quake-ddb-put" -t quake \
			-e http://127.0.0.1:1 --max-attempts 1 <"$TMP/random" 2>/dev/null | "$AC")
		check "quake-ddb-put, 2000 random bad lines (seed $s): every status line parses ($out)" test "$out" = "ok 2000"
		rm -f "$TMP/qa.state"
		out=$(timeout 60 "$B/bin/quake-alert" --name t --minmagnitude 9 --circle 0,0,10 --ntfy http://127.0.0.1:1/t \
			--state "$TMP/qa.state" <"$TMP/random" 2>/dev/null | "$AC")
		check "quake-alert, 2000 random bad lines (seed $s): every status line parses ($out)" test "$out" = "ok 2000"
	done
}

# make check on a fresh machine: scripts/install-deps --check stops at once
# with one line naming what is missing and the command to run
cli_hard_preflight() {
	local out rc
	out=$(QUAKE_CACHE="$TMP/fresh-cache" scripts/install-deps --check 2>&1); rc=$?
	check "install-deps --check on a fresh cache: exit 1, one line naming the command" \
		test $rc -eq 1 -a "$(printf '%s\n' "$out" | wc -l)" -eq 1 -a \
		"$(printf '%s' "$out" | grep -c "venv-deploy.* run scripts/install-deps")" -eq 1
	check "make check runs install-deps --check before any suite" \
		grep -qE '^	@scripts/install-deps --check$' Makefile
	# the first make run fetches nothing: install-deps fetches the jars
	check "install-deps --check on a fresh cache names the Kafka and DynamoDB Local jars make run needs" \
		eval 'grep -q "fresh-cache/kafka-[0-9.]* $TMP/fresh-cache/dynamodb-local-[0-9.]* " <<<"$out"'
	check "install-deps --check on the cache make run uses: the jars are there" \
		eval '! scripts/install-deps --check 2>&1 | grep -q "/kafka-[0-9.]* \|/dynamodb-local-[0-9.]* "'
}

# a denormal DynamoDB cannot store is rejected at validation, in order,
# named, like any bad value (before: accepted, then refused by DynamoDB)
cli_hard_denormal() {
	local out
	out=$(sed 's/"lat":-4.027/"lat":1e-200/' <<<'{"id":"20240330_0000303","action":"update","time":"2024-03-30T04:09:58.597000Z","lastupdate":"2024-04-06T03:28:24.385933Z","lat":-4.027,"lon":143.2849,"depth":10.0,"mag":4.6,"magtype":"mb","region":"R","evtype":"ke","auth":"NEIC","source_catalog":"EMSC-RTS","source_id":"1"}' |
		noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$B/bin/quake-ddb-put" -t quake -e http://127.0.0.1:1 --max-attempts 1 2>/dev/null)
	check "lat 1e-200: rejected at validation, says why" \
		test "$out" = '{"id":"20240330_0000303","status":"rejected","line":1,"error":"lat: 1e-200 is below 1e-130 in magnitude (DynamoDB'"'"'s smallest number): write 0"}'
}

# what DynamoDB refuses (ValidationException) goes to the dead-letter file
# as it came, like every rejected line
cli_hard_ddb_refused() {
	local rc
	python3 tests/gen-lines.py 5 1 >"$TMP/five"
	standin hrefuse deny --type ValidationException --message "One or more parameter values were invalid: Number underflow" ||
		{ fail "refusing stand-in" "did not start"; return; }
	rm -f "$TMP/dl"
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$B/bin/quake-ddb-put" -t quake -e "http://127.0.0.1:$SPORT" \
		-d "$TMP/dl" <"$TMP/five" >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "DynamoDB ValidationException: exit 65, 5 rejected status lines" \
		test $rc -eq 65 -a "$(grep -c '"status":"rejected".*Number underflow' "$TMP/out")" -eq 5
	# written as each answer comes back: requests in flight finish in any order
	check "DynamoDB ValidationException: the lines in the dead-letter file, verbatim" \
		cmp -s <(sort "$TMP/dl") <(sort "$TMP/five")
	standin_stop hrefuse
}

# output errors: EPIPE is a quiet stop (0); a full disk is 74, also over
# rejects (65) and lines left over (75); a dead-letter write that fails is
# one line and 74
cli_hard_output_errors() {
	local DP="$B/bin/quake-ddb-put" QP="$B/bin/quake-produce" rc b
	python3 tests/random-lines.py 4 5000 reject >"$TMP/bad5k"
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e http://127.0.0.1:1 --max-attempts 1 \
		<"$TMP/bad5k" 2>"$TMP/err" | head -1 >/dev/null; rc=${PIPESTATUS[0]}
	check "quake-ddb-put | head -1: exit 0, no warning (only the rejects and the done line)" \
		test $rc -eq 0 -a "$(grep -vEc 'msg=(rejected|done) ' "$TMP/err")" -eq 0
	"$QP" -b 127.0.0.1:1 -t x -T 0 <"$TMP/bad5k" 2>"$TMP/err" | head -1 >/dev/null; rc=${PIPESTATUS[0]}
	check "quake-produce | head -1: exit 0" test $rc -eq 0
	# bad lines first: their status lines hit the full disk, the good ones
	# after them are left unacknowledged
	{ cat "$TMP/bad5k"; python3 tests/gen-lines.py 50 1; } >"$TMP/mixed"
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e http://127.0.0.1:1 --max-attempts 1 \
		<"$TMP/mixed" >/dev/full 2>"$TMP/err"; rc=$?
	check "quake-ddb-put >/dev/full, lines left: exit 74 (not 75)" test $rc -eq 74
	noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e http://127.0.0.1:1 --max-attempts 1 \
		<"$TMP/bad5k" >/dev/full 2>"$TMP/err"; rc=$?
	check "quake-ddb-put >/dev/full, rejected lines: exit 74 (not 65), one line" \
		test $rc -eq 74 -a "$(grep -c 'msg="cannot write stdout"' "$TMP/err")" -eq 1
	"$QP" -b 127.0.0.1:1 -t x -T 0 <"$TMP/bad5k" >/dev/full 2>"$TMP/err"; rc=$?
	check "quake-produce >/dev/full, rejected lines: exit 74 (not 65)" test $rc -eq 74
	for b in quake-ddb-put quake-produce emsc-tail; do
		case $b in
		quake-ddb-put) noaws AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$DP" -t quake -e http://127.0.0.1:1 \
			--max-attempts 1 -d /dev/full <"$TMP/bad5k" >/dev/null 2>"$TMP/err"; rc=$? ;;
		quake-produce) "$QP" -b 127.0.0.1:1 -t x -T 0 -d /dev/full <"$TMP/bad5k" >/dev/null 2>"$TMP/err"; rc=$? ;;
		emsc-tail) "$ET" -r tests/malformed/01-truncated.json -d /dev/full >/dev/null 2>"$TMP/err"; rc=$? ;;
		esac
		check "$b -d /dev/full: exit 74, one line saying so" \
			test $rc -eq 74 -a "$(grep -c 'msg="cannot write the dead-letter file" path=/dev/full' "$TMP/err")" -eq 1
	done
}

# make bench on a fresh machine: what bench/ runs beside quake's own tools
# (nginx with the nchan module, wrk, hyperfine) is what install-deps installs
cli_bench_deps() {
	local p
	for p in nginx libnginx-mod-nchan wrk hyperfine; do
		check "install-deps installs $p (bench/ uses it)" \
			grep -qE "^[A-Z]+=\"([^\"]* )?$p( |\")|^ +([^\"]* )?$p( |\")" scripts/install-deps
	done
	check "bench/map.sh loads nchan from where libnginx-mod-nchan puts it" \
		grep -q 'load_module /usr/lib/nginx/modules/ngx_nchan_module.so' bench/map.sh
	check "bench/map.sh runs nginx and wrk" eval 'grep -qw nginx bench/map.sh && grep -qw wrk bench/map.sh'
}
