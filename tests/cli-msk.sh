# cli-msk — the MSK IAM token against the reference signer,
# aws-msk-iam-sasl-signer-python in scripts/install-deps' venv-msk.
# Sourced by suite-cli.sh.

MSK_VENV=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-msk

# 200 generated cases, half with session tokens: decoded URLs equal
# parameter by parameter (User-Agent aside), expiry equal, and each
# signature recomputed by botocore's SigV4QueryAuth
cli_msk_botocore() {
	local out
	if ! "$MSK_VENV/bin/python" -c 'import aws_msk_iam_sasl_signer' 2>/dev/null; then
		fail "msk token vs aws-msk-iam-sasl-signer-python" "$MSK_VENV is missing (scripts/install-deps)"
		return
	fi
	out=$("$MSK_VENV/bin/python" tests/msk_botocore.py "$B/tests/msk_token" 200 2>&1)
	if [ "$(printf '%s\n' "$out" | grep -c '^PASS')" -eq 201 ] &&
	    ! printf '%s\n' "$out" | grep -q '^FAIL'; then
		pass "msk token vs aws-msk-iam-sasl-signer-python (200 cases)"
	else
		fail "msk token vs aws-msk-iam-sasl-signer-python" "$(printf '%s\n' "$out" | grep -v '^PASS' | head -3)"
	fi
}

# quake-consume/-produce with -X sasl.mechanism=AWS_MSK_IAM against no
# broker (127.0.0.1:1): librdkafka asks for a token at start and again at
# 80 % of its lifetime, broker or not. Proves: the flag turns OAUTHBEARER
# on with SASL_SSL unless given, the refresh callback runs, a token is set
# with credentials from the chain (env here), and is refreshed before it
# expires (QUAKE_MSK_LIFETIME_MS=1500 tells librdkafka it lives 1.5 s).
# Cannot prove: that a broker accepts the token: only Amazon MSK validates
# it (tests/msk_botocore.py shows it equals the reference signer's), a
# local Kafka's OAUTHBEARER validator wants a JWT.
msk_env() {
	env -i PATH="$PATH" HOME="$TMP" AWS_EC2_METADATA_DISABLED=true \
	    AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
	    QUAKE_LOG_LEVEL=debug QUAKE_MSK_LIFETIME_MS=1500 "$@"
}

# wait (at most 30 s) until file has n "MSK IAM token set" lines
msk_wait_tokens() {
	local i
	for i in $(seq 300); do
		[ "$(cat "$1" 2>/dev/null | grep -c 'msg="MSK IAM token set"')" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

cli_msk_refresh() {
	local QC="$B/bin/quake-consume" QP="$B/bin/quake-produce" pid rc
	msk_env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	    AWS_SESSION_TOKEN=session AWS_REGION=eu-central-1 \
	    "$QC" -b 127.0.0.1:1 -t x -X sasl.mechanism=AWS_MSK_IAM \
	    >/dev/null 2>"$TMP/msk-c" &
	pid=$!
	check "msk consume: token set, then refreshed" msk_wait_tokens "$TMP/msk-c" 2
	# $pid is the subshell running msk_env: its child, quake-consume, first
	pkill -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	check "msk consume: credentials from the chain (env)" grep -q 'msg="MSK IAM token set" n=1 .*region=eu-central-1 credentials=env' "$TMP/msk-c"
	check "msk consume: SASL_SSL when not given" grep -q 'sasl_ssl://127.0.0.1:1' "$TMP/msk-c"
	check "msk consume: the token is never logged" sh -c "! grep -q 'aHR0cHM6Ly9rYWZrYS' '$TMP/msk-c'"
	# the producer, the -X spelled in lower case, security.protocol kept
	# (its input a FIFO held open on fd 4 while it runs)
	rm -f "$TMP/msk-fifo"; mkfifo "$TMP/msk-fifo"
	msk_env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	    AWS_DEFAULT_REGION=us-west-2 \
	    "$QP" -b 127.0.0.1:1 -t x -X sasl.mechanism=aws_msk_iam \
	    -X security.protocol=SASL_PLAINTEXT <"$TMP/msk-fifo" >/dev/null 2>"$TMP/msk-p" &
	pid=$!
	exec 4>"$TMP/msk-fifo"
	check "msk produce: token set, then refreshed" msk_wait_tokens "$TMP/msk-p" 2
	exec 4>&-	# end of input: it exits
	wait "$pid"; rc=$?
	check "msk produce: exit 0 at the end of its (empty) input" test $rc -eq 0
	check "msk produce: region from AWS_DEFAULT_REGION" grep -q 'msg="MSK IAM token set" n=1 .*region=us-west-2' "$TMP/msk-p"
	check "msk produce: security.protocol given is kept" grep -q 'sasl_plaintext://127.0.0.1:1' "$TMP/msk-p"
	# no credentials: one clear line (librdkafka retries in 10 s: not waited for)
	msk_env AWS_REGION=eu-central-1 timeout 3 "$QC" -b 127.0.0.1:1 -t x \
	    -X sasl.mechanism=AWS_MSK_IAM >/dev/null 2>"$TMP/msk-n"
	check "msk no credentials: one error line" test "$(grep -c 'msg="MSK IAM token failed"' "$TMP/msk-n")" -eq 1
	check "msk no credentials: says why" grep -q 'reason="no AWS credentials' "$TMP/msk-n"
	# no region: refused at start, exit 78
	msk_env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	    "$QC" -b 127.0.0.1:1 -t x -X sasl.mechanism=AWS_MSK_IAM >/dev/null 2>"$TMP/msk-r"; rc=$?
	check "msk no region: exit 78" test $rc -eq 78
	check "msk no region: one line says so" test "$(grep -c 'no region' "$TMP/msk-r")" -eq 1
}

# quake-produce is linked without libcurl (cmd/quake-produce/curl_dl loads
# it on first use): its MSK IAM token still gets credentials from a
# container endpoint and from instance metadata, over the loaded libcurl
cli_msk_produce_curl_dl() {
	local QP="$B/bin/quake-produce" M pid
	check "quake-produce: not linked with libcurl" sh -c "! ldd '$QP' | grep -q libcurl"
	standin mskmeta meta --expires-in 3600 --ecs-token sekrit || { fail "msk meta stand-in" "did not start"; return; }
	M=http://127.0.0.1:$SPORT
	rm -f "$TMP/msk-dl-fifo"; mkfifo "$TMP/msk-dl-fifo"
	msk_env AWS_REGION=eu-central-1 AWS_CONTAINER_CREDENTIALS_FULL_URI=$M/ecs/creds \
	    AWS_CONTAINER_AUTHORIZATION_TOKEN=sekrit \
	    "$QP" -b 127.0.0.1:1 -t x -X sasl.mechanism=AWS_MSK_IAM \
	    <"$TMP/msk-dl-fifo" >/dev/null 2>"$TMP/msk-dl" &
	pid=$!
	exec 4>"$TMP/msk-dl-fifo"
	check "msk produce: container credentials through the loaded libcurl" msk_wait_tokens "$TMP/msk-dl" 1
	exec 4>&-
	wait "$pid"
	check "msk produce: the token's credentials came from the container endpoint" \
	    grep -q 'msg="MSK IAM token set" n=1 .*credentials=ecs' "$TMP/msk-dl"
	msk_env AWS_REGION=eu-central-1 AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT=$M \
	    "$QP" -b 127.0.0.1:1 -t x -X sasl.mechanism=AWS_MSK_IAM \
	    <"$TMP/msk-dl-fifo" >/dev/null 2>"$TMP/msk-dl2" &
	pid=$!
	exec 4>"$TMP/msk-dl-fifo"
	check "msk produce: instance metadata credentials through the loaded libcurl" msk_wait_tokens "$TMP/msk-dl2" 1
	exec 4>&-
	wait "$pid"
	check "msk produce: the token's credentials came from instance metadata" \
	    grep -q 'msg="MSK IAM token set" n=1 .*credentials=imds' "$TMP/msk-dl2"
	standin_stop mskmeta
}
