#!/usr/bin/env bash
# Speed benchmark (`make bench`): the precompiled conformance suite against a bare
# net/http client that sends the same requests (cmd/bareclient), both against the
# embedded reference provider, each started as its own process the same way. The bare
# client mirrors the step 4 and login specs, so the suite runs those (LABELS below).
# Target: the suite within 3x of the bare client. Prints both means and their ratio.
#
# Then the whole suite against the reference provider delaying every response by
# LATENCY (300ms, about what a remote staging answers in), run serially and then as
# `make conformance` runs it by default (AUTOSHARES_PROCS processes, default 8), through
# the same launcher. Target: the default run at least 4x faster. Prints both and the ratio.
#   RUNS=10 LATENCY=300ms bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "building the suite (ginkgo build), the bare client, the launcher and the provider once..."
go tool ginkgo build -o "$out" ./suites/passwordreset >/dev/null
go build -o "$out/bareclient" ./cmd/bareclient
go build -o "$out/autoshares-conformance" ./cmd/autoshares-conformance
go build -o "$out/refprovider" ./cmd/refprovider
suite_bin=$(ls "$out"/*.test)
mailpit_bin=${MAILPIT_BIN:-}
procs=${AUTOSHARES_PROCS:-}

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

# --- The whole suite against a slow provider: serial against the default parallel run.
latency=${LATENCY:-300ms}
echo
echo "whole suite (all but the slow spec) against the reference provider with ${latency} latency per response..."
provider_args=(--test-mode --listen 127.0.0.1:0 --latency "$latency")
if [ -x "$mailpit_bin" ]; then
  export MAILPIT_BIN="$mailpit_bin" # the mail specs read their codes from a Mailpit
  provider_args+=(--mailpit)
fi
REFPROVIDER_APP_KEY=bench-app-key "$out/refprovider" "${provider_args[@]}" >"$out/provider.log" 2>/dev/null &
provider_pid=$!
trap 'kill "$provider_pid" 2>/dev/null; wait "$provider_pid" 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 1 100); do grep -q '^export AUTOSHARES_BASE_URL' "$out/provider.log" && break; sleep 0.1; done
# The provider prints the settings to paste; the app key line refers to REFPROVIDER_APP_KEY.
export REFPROVIDER_APP_KEY=bench-app-key
eval "$(grep '^export AUTOSHARES_' "$out/provider.log")" || { cat "$out/provider.log"; exit 1; }
unset REFPROVIDER_APP_KEY
unset MAILPIT_BIN
if [ -n "$procs" ]; then export AUTOSHARES_PROCS=$procs; fi
run_suite() { "$out/autoshares-conformance" --suite "$suite_bin" --labels '!slow' "$@"; }
serial_total=0 parallel_total=0
printf '%-5s %12s %12s\n' run serial_ms parallel_ms
for i in $(seq 1 "$runs"); do
  s=$(time_ms run_suite --procs 1)
  p=$(time_ms run_suite)
  # The launcher says how many processes the default run used.
  procs=$(sed -n 's/^Processes: \([0-9]*\).*/\1/p' "$out/last.log")
  serial_total=$((serial_total + s)) parallel_total=$((parallel_total + p))
  printf '%-5s %12s %12s\n' "$i" "$s" "$p"
done
serial_mean=$((serial_total / runs)) parallel_mean=$((parallel_total / runs))
speedup=$(awk -v s="$serial_mean" -v p="$parallel_mean" 'BEGIN { printf "%.2f", s / p }')
echo "mean over $runs runs at ${latency} latency: serial ${serial_mean} ms, ${procs} processes ${parallel_mean} ms, ${speedup}x faster (target: 4x)"
awk -v r="$speedup" 'BEGIN { exit !(r >= 4.0) }' || { echo "parallel speed-up below the 4x target" >&2; exit 1; }
