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
