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
#   AUTOSHARES_BASE_URL    the deployment the run tested (or AUTOSHARES_CONFIG's), required
#   PUBLISH_MAX_AGE        how old the run may be (a Go duration; default 24h)
#
# It publishes only the results of a complete, fresh run against this deployment
# (cmd/pactgate reads summary.json): not of the embedded reference provider, not of a run
# whose label filter, focus or skip left out any spec but the slow one a default run leaves
# out, not of a run made by another commit of the suite (or with uncommitted changes) or
# against another target, not of a run older than PUBLISH_MAX_AGE. A failed run is published
# as a failed self-verification (the broker must know), and the script says so; so is a
# passed run with skipped specs, known deviations or loosened settings.
# Credentials reach the CLI through the environment only: never on a command line, never
# printed; the CLI's output is masked, and they go only over https (or to loopback).
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

# shellcheck source=scripts/pactgate.sh
. "$root/scripts/pactgate.sh"
commit=$(git rev-parse HEAD)
set +e
"$gate" run -prefix publish-provider-contract -commit "$commit" -max-age "${PUBLISH_MAX_AGE:-24h}" "$summary"
verdict=$?
set -e
case $verdict in
0) code=0 ;;
3) code=1 ;; # published as a failed self-verification; the gate said why
*) exit 1 ;; # refused; the gate said why
esac

build=()
[ -z "${PACT_BUILD_URL:-}" ] || build=(--build-url "$PACT_BUILD_URL")
echo "publish-provider-contract: publishing $contract for $provider version $version on branch $branch"
# The CLI reads the broker URL and credentials from the environment variables above.
masked "$pact" pactflow publish-provider-contract "$contract" \
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
	--verifier-version "$commit"
