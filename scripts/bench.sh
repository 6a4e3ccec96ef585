#!/usr/bin/env bash
# Speed benchmark (`make bench`): the precompiled conformance suite against a bare
# net/http client that sends the same requests (cmd/bareclient), both against the
# embedded reference provider, each started as its own process the same way. The bare
# client mirrors the step 4 and login specs, so the suite runs those (LABELS below).
# Target: the suite within 3x of the bare client. Prints both means and their ratio.
#   RUNS=10 bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "building the suite (ginkgo build) and the bare client once..."
go tool ginkgo build -o "$out" ./suites/passwordreset >/dev/null
go build -o "$out/bareclient" ./cmd/bareclient
suite_bin=$(ls "$out"/*.test)

# Nothing from the caller's configuration: both run against their embedded provider.
for v in $(compgen -e | grep '^AUTOSHARES_' || true); do unset "$v"; done
export AUTOSHARES_REPORT_DIR="$out/reports"
# The specs the bare client mirrors need no mailbox: no Mailpit beside the suite's provider.
export MAILPIT_BIN="$out/no-mailpit"
# The negative and security specs have no mirror in the bare client.
labels='(step4 || login) && !slow && !negative && !security'

# time_ms CMD...: wall-clock milliseconds of one run; fails if the command fails.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >"$out/last.log" 2>&1 || { cat "$out/last.log"; echo "benchmark command failed: $*" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

suite_total=0 bare_total=0
printf '%-5s %12s %12s\n' run suite_ms bare_ms
for i in $(seq 1 "$runs"); do
  s=$(time_ms "$suite_bin" -ginkgo.no-color "-ginkgo.label-filter=$labels")
  b=$(time_ms "$out/bareclient")
  suite_total=$((suite_total + s)) bare_total=$((bare_total + b))
  printf '%-5s %12s %12s\n' "$i" "$s" "$b"
done
suite_mean=$((suite_total / runs)) bare_mean=$((bare_total / runs))
ratio=$(awk -v s="$suite_mean" -v b="$bare_mean" 'BEGIN { printf "%.2f", s / b }')
echo "mean over $runs runs: suite ${suite_mean} ms, bare client ${bare_mean} ms, ratio ${ratio}x (target: within 3x)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 3.0) }' || { echo "ratio above the 3x target" >&2; exit 1; }
