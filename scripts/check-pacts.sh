#!/usr/bin/env bash
# Checks that pacts/ is what `make pacts` generates now: regenerates into a temp dir
# (PACT_OUT) and compares. Exit 0 when identical; otherwise prints the diff and exits 1.
# Pacts are deterministic (sorted, no timestamps), so any difference is a real change.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

out=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$out" "$log"' EXIT

echo "check-pacts: regenerating the pacts (make pacts) into a temp dir"
if ! PACT_OUT="$out" make --no-print-directory pacts >"$log" 2>&1; then
	cat "$log" >&2
	echo "check-pacts: make pacts failed (output above)" >&2
	exit 1
fi

# An empty result means the pacts target did not run (make thinks the pacts/ directory is
# the target, unless it is .PHONY) or ignored PACT_OUT: comparing would blame pacts/.
if [ -z "$(find "$out" -name '*.json' -print -quit)" ]; then
	cat "$log" >&2
	echo "check-pacts: make pacts wrote no pact to PACT_OUT=$out (is the pacts target .PHONY, and does it honour PACT_OUT?)" >&2
	exit 1
fi

# Dot files (a .gitkeep, say) are not pacts.
if ! diff -ru -x '.*' pacts "$out"; then
	echo "check-pacts: pacts/ differs from what make pacts generates (diff above: - committed, + generated): run make pacts and commit" >&2
	exit 1
fi
echo "check-pacts: pacts/ is up to date"
