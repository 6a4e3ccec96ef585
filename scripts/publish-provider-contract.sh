#!/usr/bin/env bash
# Publishes openapi/ as the provider contract for bi-directional contract testing (PactFlow),
# with the conformance run's results as its self-verification: the broker then compares
# consumers' pacts with the document, and can-i-deploy knows whether the provider version
# passed the suite.
#
#   PACT_BROKER_BASE_URL   the broker (required)
#   PACT_BROKER_TOKEN      bearer token, or
#   PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD
#   PACT_PROVIDER_VERSION  the version of the provider deployment the run verified (required)
#   PACT_PROVIDER_BRANCH   the provider's branch that version was built from (required)
#   PACT_BUILD_URL         the CI build that ran the suite (optional)
#   AUTOSHARES_REPORT_DIR  the run's reports (default: reports/)
#   AUTOSHARES_PACT_PROVIDER  the provider's name (default AutoSharesTradingAPI)
#
# It publishes only the results of a full run against a deployment: not of the embedded
# reference provider, not of a run whose label filter picked some specs. A failed run is
# published as a failed self-verification (the broker must know), and the script says so; so
# is a passed run with skipped specs, known deviations or loosened settings.
# Credentials reach the CLI through the environment only: never on a command line, never printed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
pact="$root/.tools/pact/bin/pact"
contract=openapi/autoshares-password-reset.openapi.json

die() { echo "publish-provider-contract: $*" >&2; exit 1; }

[ -x "$pact" ] || die "$pact is missing: run make pact-cli"
[ -n "${PACT_BROKER_BASE_URL:-}" ] || die "set PACT_BROKER_BASE_URL to the broker's URL"
if [ -z "${PACT_BROKER_TOKEN:-}" ] && { [ -z "${PACT_BROKER_USERNAME:-}" ] || [ -z "${PACT_BROKER_PASSWORD:-}" ]; }; then
	die "set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD"
fi
version=${PACT_PROVIDER_VERSION:-}
[ -n "$version" ] || die "set PACT_PROVIDER_VERSION to the version of the provider deployment the run verified (its build number or commit)"
branch=${PACT_PROVIDER_BRANCH:-}
[ -n "$branch" ] || die "set PACT_PROVIDER_BRANCH to the provider's branch that version was built from"
provider=${AUTOSHARES_PACT_PROVIDER:-AutoSharesTradingAPI}

reports=${AUTOSHARES_REPORT_DIR:-$root/reports}
summary="$reports/summary.json"
junit="$reports/junit.xml"
[ -f "$summary" ] && [ -f "$junit" ] || die "no run's reports in $reports (summary.json, junit.xml): run make conformance against the provider version first"
[ -f "$contract" ] || die "$contract is missing: run make openapi"

# summary.json is written by the suite with a two-space indent: top-level fields at two
# spaces, the suite's at four.
field() { sed -n "s/^$1\"\\(.*\\)\",\$/\\1/p" "$summary" | head -1; }
if grep -q '^  "embedded": true,' "$summary"; then
	die "the run tested the embedded reference provider, not a deployment: run make conformance with AUTOSHARES_BASE_URL set to the provider version"
fi
filter=$(field '  "label_filter": ')
case "$filter" in
"" | "!slow" | "slow || !slow") ;;
*) die "the run selected only some specs (label filter \"$filter\"): publish the results of a full run" ;;
esac
commit=$(field '    "commit": ')
# A run that succeeded with specs skipped (AUTOSHARES_ALLOW_SKIPS), known deviations or a
# loosened expectation did not verify the provider as the contract says: the broker is told
# it failed, and why.
count() { sed -n "s/^    \"$1\": \([0-9]*\),\{0,1\}\$/\1/p" "$summary" | head -1; }
short=()
skipped=$(count skipped)
[ "${skipped:-0}" -eq 0 ] || short+=("$skipped spec(s) skipped")
deviated=$(count known_deviations)
[ "${deviated:-0}" -eq 0 ] || short+=("$deviated known deviation(s)")
if grep -q '^  "loosened": \[$' "$summary"; then
	short+=("loosened settings ($(sed -n '/^  "loosened": \[$/,/^  \]/s/^    "\(.*\)",\{0,1\}$/\1/p' "$summary" | paste -sd, -))")
fi
if grep -q '^  "succeeded": true,' "$summary" && [ ${#short[@]} -eq 0 ]; then
	code=0
	echo "publish-provider-contract: the run passed"
elif grep -q '^  "succeeded": true,' "$summary"; then
	code=1
	why=$(printf '%s; ' "${short[@]}")
	echo "publish-provider-contract: the run passed short of a full verification (${why%; }): publishing it as a failed self-verification"
else
	code=1
	echo "publish-provider-contract: the run FAILED: publishing it as a failed self-verification"
fi

build=()
[ -z "${PACT_BUILD_URL:-}" ] || build=(--build-url "$PACT_BUILD_URL")
echo "publish-provider-contract: publishing $contract for $provider version $version on branch $branch"
# The CLI reads the broker URL and credentials from the environment variables above.
"$pact" pactflow publish-provider-contract "$contract" \
	--provider "$provider" \
	--provider-app-version "$version" \
	--branch "$branch" "${build[@]}" \
	--specification oas \
	--content-type application/json \
	--verification-exit-code "$code" \
	--verification-results "$junit" \
	--verification-results-content-type application/xml \
	--verification-results-format junit \
	--verifier autoshares-conformance \
	--verifier-version "${commit:-unknown}"
