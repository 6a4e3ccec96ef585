#!/usr/bin/env bash
# Speed benchmark (`make bench`): the precompiled conformance suite against a bare
# net/http client that sends the same requests (cmd/bareclient), both against the
# embedded reference provider, each started as its own process the same way. The bare
# client mirrors the step 4 and login specs, so the suite runs those (LABELS below).
# Target: the suite within 3x of the bare client. Prints both means and their ratio.
#
# Then the default run (all but the slow spec, AUTOSHARES_PROCS processes, default auto: the
# launcher picks them from the target's answer time and prints how many, through the same
# launcher as `make conformance`) against the reference provider
# delaying every response by LATENCY (300ms, about what a remote staging answers in), and
# the same run against it answering at once; last, the run's critical path (the longest
# chain of round trips that must follow one another, times the latency: no run can be
# faster) beside the default run's wall time (cmd/criticalpath). Target: the default run
# at 300 ms within 6 s, about twice its critical path.
#
# Last, side by side on loopback: Newman (installed into .tools/newman by
# scripts/install-newman.sh) running a Postman collection of step 4's four core cases
# (fixtures/bench/step4-core.postman_collection.json), and the suite's whole default run,
# against the same provider at 0 latency. Target: the suite within half Newman's time.
#
# The provider stands for a deployment, whose CPU is not the suite's: it hashes passwords
# with 1000 PBKDF2 iterations here (PROVIDER_FLAGS), not its default 50 000, which on a
# 2-core machine would put about 4 s of the provider's hashing on the suite's cores.
#   RUNS=10 LATENCY=300ms bash scripts/bench.sh
#   PROVIDER_FLAGS= bash scripts/bench.sh   (the provider's full hashing, on these cores)
#   NEWMAN=0 bash scripts/bench.sh           (no Newman comparison)
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
go build -o "$out/criticalpath" ./cmd/criticalpath
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

# --- The default run against a distant provider and a near one, and its critical path.
latency=${LATENCY:-300ms}
# start_provider LATENCY: the reference provider (and its Mailpit, when there is one)
# answering every request after LATENCY; sets provider_pid and exports the settings.
start_provider() {
  local args=(--test-mode --listen 127.0.0.1:0 --latency "$1")
  if [ -x "$mailpit_bin" ]; then
    export MAILPIT_BIN="$mailpit_bin" # the mail specs read their codes from a Mailpit
    args+=(--mailpit)
  fi
  # shellcheck disable=SC2206 # PROVIDER_FLAGS is a list of flags
  args+=(${PROVIDER_FLAGS---hash-iterations 1000})
  : >"$out/provider.log"
  REFPROVIDER_APP_KEY=bench-app-key "$out/refprovider" "${args[@]}" >"$out/provider.log" 2>/dev/null &
  provider_pid=$!
  for _ in $(seq 1 100); do grep -q '^export AUTOSHARES_BASE_URL' "$out/provider.log" && break; sleep 0.1; done
  # The provider prints the settings to paste; the app key line refers to REFPROVIDER_APP_KEY.
  export REFPROVIDER_APP_KEY=bench-app-key
  eval "$(grep '^export AUTOSHARES_' "$out/provider.log")" || { cat "$out/provider.log"; exit 1; }
  unset REFPROVIDER_APP_KEY MAILPIT_BIN
}
stop_provider() { kill "$provider_pid" 2>/dev/null || true; wait "$provider_pid" 2>/dev/null || true; provider_pid=; }
provider_pid=
trap 'stop_provider; rm -rf "$out"' EXIT
if [ -n "$procs" ]; then export AUTOSHARES_PROCS=$procs; fi
run_suite() { "$out/autoshares-conformance" --suite "$suite_bin" --labels '!slow' "$@"; }

# bench_at LATENCY: RUNS default runs against a provider at LATENCY; prints each, sets mean
# and keeps the last run's JSON report in $out/report-LATENCY.json.
bench_at() {
  start_provider "$1"
  local total=0 t i
  for i in $(seq 1 "$runs"); do
    t=$(time_ms run_suite)
    total=$((total + t))
    printf '%-5s %-8s %12s\n' "$i" "$1" "$t"
  done
  cp "$AUTOSHARES_REPORT_DIR/ginkgo-report.json" "$out/report-$1.json"
  procs_at[$1]=$(sed -n 's/^Processes: \([0-9]*\).*/\1/p' "$out/last.log")
  stop_provider
  mean=$((total / runs))
}
declare -A procs_at
echo
echo "the default run (all but the slow spec) against the reference provider at ${latency} and at 0 latency per response..."
printf '%-5s %-8s %12s\n' run latency wall_ms
bench_at "$latency"
slow_mean=$mean
bench_at 0s
fast_mean=$mean
echo "mean over $runs runs: ${slow_mean} ms at ${latency} (${procs_at[$latency]} processes), ${fast_mean} ms at 0 latency (${procs_at[0s]} processes)"
"$out/criticalpath" --latency "$latency" --wall-ms "$slow_mean" --zero-wall-ms "$fast_mean" "$out/report-$latency.json" "$out/report-0s.json"
target_ms=${TARGET_MS:-6000}
missed=0
[ "$slow_mean" -le "$target_ms" ] || { echo "the default run at ${latency} took ${slow_mean} ms, above the ${target_ms} ms target" >&2; missed=1; }

# --- Side by side on loopback: Newman's four core step 4 cases and the suite's whole run.
if [ "${NEWMAN:-1}" != 0 ]; then
  newman=$(bash scripts/install-newman.sh)
  echo
  echo "side by side against the reference provider at 0 latency: Newman, step 4's four core cases; the suite, its whole default run..."
  start_provider 0s
  printf '%-5s %12s %12s\n' run newman_ms suite_ms
  newman_total=0 suite_total=0
  for i in $(seq 1 "$runs"); do
    n=$(time_ms "$newman" run fixtures/bench/step4-core.postman_collection.json --reporters cli --reporter-cli-no-banner \
      --env-var "baseUrl=$AUTOSHARES_BASE_URL" --env-var "stateUrl=$AUTOSHARES_STATE_URL" --env-var "appKey=bench-app-key")
    s=$(time_ms run_suite)
    newman_total=$((newman_total + n)) suite_total=$((suite_total + s))
    printf '%-5s %12s %12s\n' "$i" "$n" "$s"
  done
  stop_provider
  newman_mean=$((newman_total / runs)) suite_mean=$((suite_total / runs))
  ratio=$(awk -v s="$suite_mean" -v n="$newman_mean" 'BEGIN { printf "%.2f", s / n }')
  echo "mean over $runs runs: Newman ${newman_mean} ms (4 cases), the suite ${suite_mean} ms (its whole default run): ${ratio}x (target: at most 0.5x)"
  awk -v r="$ratio" 'BEGIN { exit !(r <= 0.5) }' || { echo "the suite's whole run on loopback took more than half Newman's four cases" >&2; missed=1; }
fi
exit "$missed"
