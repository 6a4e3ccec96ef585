#!/usr/bin/env bash
# Publishes pacts/*.json to a Pact Broker with the pact CLI.
#
#   PACT_BROKER_BASE_URL   the broker (required)
#   PACT_BROKER_TOKEN      bearer token, or
#   PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD
#   PACT_BRANCH            branch to record when HEAD is detached (CI checkouts often are)
#   PACT_BUILD_URL         the CI build that publishes (recorded with the version; optional)
#
# The pacts' consumer is the suite itself (AUTOSHARES_PACT_CONSUMER, default
# AutoSharesConformanceSuite), never a real client: the broker then reads "this version of
# the API passed the conformance contract" and can-i-deploy for a real client is not misled.
# The consumer version is the commit (git rev-parse --short HEAD), so the tree must be clean:
# a version must name exactly the pacts published under it. It also refuses when the committed
# pacts are not what `make pacts` generates now (scripts/check-pacts.sh), and unless the run
# that regenerated them was complete (no focus, skip or label filter but the default) and of
# this commit (cmd/pactgate reads its summary.json).
# Credentials reach the CLI through the environment only: never on a command line, never
# printed; the CLI's output is masked, and they go only over https (or to loopback).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
pact="$root/.tools/pact/bin/pact"

die() { echo "publish-pacts: $*" >&2; exit 1; }

[ -x "$pact" ] || die "$pact is missing: run make pact-cli"
[ -n "${PACT_BROKER_BASE_URL:-}" ] || die "set PACT_BROKER_BASE_URL to the broker's URL"
if [ -z "${PACT_BROKER_TOKEN:-}" ] && { [ -z "${PACT_BROKER_USERNAME:-}" ] || [ -z "${PACT_BROKER_PASSWORD:-}" ]; }; then
	die "set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD"
fi

# shellcheck source=scripts/pactgate.sh
. "$root/scripts/pactgate.sh"

shopt -s nullglob
files=(pacts/*.json)
[ ${#files[@]} -gt 0 ] || die "no pacts found in pacts/; run make pacts"

if [ -n "$(git status --porcelain)" ]; then
	git status --short >&2
	die "the working tree has uncommitted changes (above): commit them first; the consumer version is the commit"
fi
version=$(git rev-parse --short HEAD)
branch=$(git symbolic-ref --quiet --short HEAD || true)
branch=${branch:-${PACT_BRANCH:-}}
[ -n "$branch" ] || die "HEAD is detached: set PACT_BRANCH to the branch being published"

if [ -z "${PUBLISH_PACTS_SKIP_CHECK:-}" ]; then # only the tests against the broker double skip it
	bash scripts/check-pacts.sh
	# The pacts compared are those of the run check-pacts just made: it must have been whole.
	"$gate" run -embedded -prefix publish-pacts -commit "$(git rev-parse HEAD)" -max-age "${PUBLISH_MAX_AGE:-24h}" \
		"${REPORTS:-$root/reports}/pacts-run/summary.json" || die "the run that regenerated the pacts is not one to publish from (above)"
fi
build=()
[ -z "${PACT_BUILD_URL:-}" ] || build=(--build-url "$PACT_BUILD_URL")

echo "publish-pacts: publishing ${#files[@]} pact file(s) as version $version on branch $branch"
# The CLI reads the broker URL and credentials from the environment variables above.
masked "$pact" broker publish "${files[@]}" \
	--consumer-app-version "$version" \
	--branch "$branch" "${build[@]}"
