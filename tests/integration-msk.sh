# integration-msk — the MSK IAM client path (-X sasl.mechanism=AWS_MSK_IAM)
# against the local broker's OAUTHBEARER listener (scripts/kafka-local,
# KAFKA_OAUTH_PORT). Sourced by suite-integration.sh.
#
# Proves: the listener works (librdkafka's own unsecured JWT gets a line
# produced through it), and with AWS_MSK_IAM quake-produce sets our token,
# sends it in the SASL OAUTHBEARER exchange (the broker answers
# invalid_token: Kafka's unsecured validator wants a JWT, our token is an
# MSK IAM presigned URL), keeps refreshing it mid-run (lifetime told to
# librdkafka shortened by QUAKE_MSK_LIFETIME_MS) and does not deliver.
# Cannot prove: that Amazon MSK accepts the token (only MSK validates
# these; tests/msk_botocore.py shows it equals the reference signer's).

kafka_msk_oauth() {
	local OBK=127.0.0.1:$KAFKA_OAUTH_PORT pid i rc
	scripts/kafka-local topic msk 1 2>/dev/null
	head -1 tests/golden/ws-frames.ndjson >"$TMP/msk-line"
	timeout 60 "$QP" -b "$OBK" -t msk -X security.protocol=SASL_PLAINTEXT \
	    -X sasl.mechanism=OAUTHBEARER -X enable.sasl.oauthbearer.unsecure.jwt=true \
	    -X sasl.oauthbearer.config=principal=quake <"$TMP/msk-line" >"$TMP/msk-jwt" 2>/dev/null
	check "msk oauth listener: an unsecured JWT produces through it" \
	    grep -q '"status":"produced"' "$TMP/msk-jwt"
	# our token: sent, refused as not a JWT, refreshed while it retries;
	# its input held open (fd 3) until then, closed to end it
	rm -f "$TMP/msk-fifo"; mkfifo "$TMP/msk-fifo"
	env AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent \
	    AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_ACCESS_KEY_ID=AKIDEXAMPLE \
	    AWS_SECRET_ACCESS_KEY=secret AWS_SESSION_TOKEN=session AWS_REGION=eu-central-1 \
	    QUAKE_LOG_LEVEL=debug QUAKE_MSK_LIFETIME_MS=2000 \
	    "$QP" -b "$OBK" -t msk -X security.protocol=SASL_PLAINTEXT \
	    -X sasl.mechanism=AWS_MSK_IAM -T 1 -X message.timeout.ms=60000 \
	    <"$TMP/msk-fifo" >"$TMP/msk-out" 2>"$TMP/msk-err" &
	pid=$!
	exec 3>"$TMP/msk-fifo"
	cat "$TMP/msk-line" >&3
	for i in $(seq 300); do
		grep -q 'invalid_token' "$TMP/msk-err" &&
		    [ "$(grep -c 'msg="MSK IAM token set"' "$TMP/msk-err")" -ge 3 ] && break
		sleep 0.1
	done
	exec 3>&-
	wait "$pid"; rc=$?
	check "msk oauth: the broker got our token and refused it as not a JWT" \
	    grep -q 'invalid_token' "$TMP/msk-err"
	check "msk oauth: the token refreshed mid-run ($(grep -c 'msg="MSK IAM token set"' "$TMP/msk-err") set)" \
	    test "$(grep -c 'msg="MSK IAM token set"' "$TMP/msk-err")" -ge 3
	check "msk oauth: nothing delivered with a refused token (exit 75)" \
	    test ! -s "$TMP/msk-out" -a "$rc" -eq 75
}
