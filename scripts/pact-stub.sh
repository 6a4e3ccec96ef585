#!/usr/bin/env bash
# Serves the committed pacts with the pact stub server, so a consumer can develop against the
# contract without a deployment: http://127.0.0.1:${PACT_STUB_PORT:-8181}. Ctrl-C stops it.
#
# Where several interactions match a request (step 4 success and step 4 mismatch differ only
# in body values the contract matches by type), send the provider state as a header to pick
# one, e.g. `X-Pact-Provider-State: a trader has a valid password reset token` (a regex).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pact="$root/.tools/pact/bin/pact"
port=${PACT_STUB_PORT:-8181}
dir="$root/pacts"

[ -x "$pact" ] || { echo "pact-stub: $pact is missing: run make pact-cli" >&2; exit 1; }
shopt -s nullglob
files=("$dir"/*.json)
[ ${#files[@]} -gt 0 ] || { echo "pact-stub: no pacts found in $dir; run make pacts" >&2; exit 1; }

echo "pact-stub: serving ${#files[@]} pact file(s) from $dir on http://127.0.0.1:$port"
# The stub server has no bind-address option and listens on every interface; it serves only
# the pacts' placeholder examples. PACT_BROKER_BASE_URL is dropped: the stub would otherwise
# fetch pacts from the broker instead of serving the local ones.
exec env -u PACT_BROKER_BASE_URL "$pact" stub \
	--dir "$dir" \
	--port "$port" \
	--provider-state-header-name X-Pact-Provider-State \
	--loglevel "${PACT_STUB_LOG_LEVEL:-info}"
