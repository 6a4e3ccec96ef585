#!/usr/bin/env bash
# Checks a consumer team's pact before they publish it:
#   1. offline, against the provider contract (openapi/, built by make openapi), with
#      PactFlow's openapi-pact-comparator: every incompatible interaction is named;
#   2. by verifying it against the reference provider (make verify-pacts with PACT_FILES).
#
#   scripts/check-consumer-pact.sh their-pact.json      (make check-consumer-pact PACT=...)
#
# Exit 0 only when both pass. Warnings of the comparator are shown and do not fail.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
opc="$root/.tools/pact/opc/cli.cjs"
doc="$root/openapi/autoshares-password-reset.openapi.json"
pact=${1:-}

die() { echo "check-consumer-pact: $*" >&2; exit 2; }

[ -n "$pact" ] || die "name the pact: make check-consumer-pact PACT=path/to/their-pact.json"
[ -f "$pact" ] || die "$pact is not a file"
pact=$(cd "$(dirname "$pact")" && pwd)/$(basename "$pact")
[ -f "$opc" ] || die "$opc is missing: run make pact-opc"
command -v node >/dev/null || die "node is missing (Debian: apt-get install nodejs)"
[ -f "$doc" ] || die "$doc is missing: run make openapi"

echo "check-consumer-pact: 1. $pact against the provider contract ${doc#"$root"/}"
# The comparator prints one JSON array of findings per pact; name each interaction once.
set +e
findings=$(node "$opc" --oas "$doc" "$pact")
opc_rc=$?
set -e
report=$(node -e '
	let errors = 0;
	const lines = process.argv[1].split("\n").filter(l => l.trim() !== "");
	for (const line of lines) {
		for (const f of JSON.parse(line)) {
			const m = f.mockDetails || {};
			const where = m.interactionDescription ? `interaction "${m.interactionDescription}"` : "the pact";
			if (f.type === "error") errors++;
			console.log(`  ${f.type === "error" ? "INCOMPATIBLE" : "warning"}: ${where}: ${f.code}: ${f.message}`);
		}
	}
	process.exitCode = errors > 0 ? 1 : 0;
' "$findings") && compatible=1 || compatible=0
[ -n "$report" ] && echo "$report"
if [ "$compatible" = 1 ] && [ "$opc_rc" = 0 ]; then
	echo "check-consumer-pact: compatible with the provider contract"
else
	echo "check-consumer-pact: INCOMPATIBLE with the provider contract (interactions above)" >&2
fi

echo "check-consumer-pact: 2. $pact verified against the reference provider"
verified=1
env -u AUTOSHARES_BASE_URL -u AUTOSHARES_STATE_URL -u AUTOSHARES_APP_KEY -u PACT_BROKER_BASE_URL -u PACT_URL \
	PACT_FILES="$pact" make --no-print-directory -C "$root" verify-pacts || verified=0
if [ "$verified" = 1 ]; then
	echo "check-consumer-pact: the reference provider honours it"
else
	echo "check-consumer-pact: the reference provider does NOT honour it (the verifier's output above names each interaction)" >&2
fi
[ "$compatible" = 1 ] && [ "$opc_rc" = 0 ] && [ "$verified" = 1 ]
