#!/usr/bin/env bash
# Serves the committed pacts with the pact stub server, so a consumer can develop against the
# contract without a deployment. Ctrl-C stops it.
#
# Base URL: http://127.0.0.1:${PACT_STUB_PORT:-8181}, with no /api: the pacts' paths are
# /v1.0/... and /token, so this URL takes the place of the whole apiURL.
# Where: the stub server (pact stub 0.7.1) has no bind-address option and listens on EVERY
# interface on that port; it serves only the pacts' placeholder examples.
#
# Send the interaction's provider state in X-Pact-Provider-State (a regular expression: anchor
# it, e.g. `^a trader has a valid password reset token$`). Among the interactions that match
# the method, path, query and body, the stub answers the one with the fewest header mismatches,
# the first in the file on a tie; the pacts put the more specific request first, so a request
# with Et-App-Key gets the keyed answer and one without it the app-key error. docs/PACT.md
# lists which values select which answer.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pact="$root/.tools/pact/bin/pact"
port=${PACT_STUB_PORT:-8181}
dir="$root/pacts"

[ -x "$pact" ] || { echo "pact-stub: $pact is missing: run make pact-cli" >&2; exit 1; }
shopt -s nullglob
files=("$dir"/*.json)
[ ${#files[@]} -gt 0 ] || { echo "pact-stub: no pacts found in $dir; run make pacts" >&2; exit 1; }

echo "pact-stub: serving ${#files[@]} pact file(s) from $dir at http://127.0.0.1:$port (the base URL: no /api)"
echo "pact-stub: note: the stub listens on every interface on port $port (it has no bind option)"
# PACT_BROKER_BASE_URL is dropped: the stub would otherwise fetch pacts from the broker
# instead of serving the local ones.
exec env -u PACT_BROKER_BASE_URL "$pact" stub \
	--dir "$dir" \
	--port "$port" \
	--provider-state-header-name X-Pact-Provider-State \
	--loglevel "${PACT_STUB_LOG_LEVEL:-info}"
