#!/usr/bin/env bash
# Deployment gates through the pinned pact CLI: can a version be deployed, and recording that
# it was deployed or released.
#
#   scripts/pact-broker.sh can-i-deploy | record-deployment | record-release
#
#   PACT_BROKER_BASE_URL       the broker (required)
#   PACT_BROKER_TOKEN          bearer token, or PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD
#   PACT_PACTICIPANT           the application (default: AUTOSHARES_PACT_PROVIDER, else
#                              AutoSharesTradingAPI, the API)
#   PACT_PACTICIPANT_VERSION   its version: the commit being deployed (required)
#   PACT_ENVIRONMENT           the environment, e.g. staging or production (required)
#   PACT_CAN_I_DEPLOY_TIMEOUT  can-i-deploy: seconds to keep asking while the answer is unknown
#                              (verification results still missing); default 300, 0 = ask once
#   PACT_CAN_I_DEPLOY_INTERVAL can-i-deploy: seconds between questions; default 10
#
# Credentials reach the CLI through the environment only: never on a command line, never
# printed; the CLI's output is masked, and they go only over https (or to loopback).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pact="$root/.tools/pact/bin/pact"
cmd=${1:-}

die() { echo "${cmd:-pact-broker}: $*" >&2; exit 2; }

case "$cmd" in
can-i-deploy | record-deployment | record-release) ;;
*) echo "usage: $0 can-i-deploy|record-deployment|record-release" >&2; exit 2 ;;
esac

[ -x "$pact" ] || die "$pact is missing: run make pact-cli"
problems=()
[ -n "${PACT_BROKER_BASE_URL:-}" ] || problems+=("set PACT_BROKER_BASE_URL to the broker's URL")
if [ -z "${PACT_BROKER_TOKEN:-}" ] && { [ -z "${PACT_BROKER_USERNAME:-}" ] || [ -z "${PACT_BROKER_PASSWORD:-}" ]; }; then
	problems+=("set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD")
fi
[ -n "${PACT_PACTICIPANT_VERSION:-}" ] || problems+=("set PACT_PACTICIPANT_VERSION to the version (commit) being deployed")
[ -n "${PACT_ENVIRONMENT:-}" ] || problems+=("set PACT_ENVIRONMENT to the environment, e.g. staging or production")
timeout=${PACT_CAN_I_DEPLOY_TIMEOUT:-300}
interval=${PACT_CAN_I_DEPLOY_INTERVAL:-10}
[[ $timeout =~ ^[0-9]+$ ]] || problems+=("PACT_CAN_I_DEPLOY_TIMEOUT is '$timeout': set whole seconds, e.g. 300")
[[ $interval =~ ^[1-9][0-9]*$ ]] || problems+=("PACT_CAN_I_DEPLOY_INTERVAL is '$interval': set whole seconds, at least 1")
if [ ${#problems[@]} -gt 0 ]; then
	printf '%s: %s\n' "$cmd" "${problems[@]}" >&2
	exit 2
fi
pacticipant=${PACT_PACTICIPANT:-${AUTOSHARES_PACT_PROVIDER:-AutoSharesTradingAPI}}
# shellcheck source=scripts/pactgate.sh
. "$root/scripts/pactgate.sh"

# The CLI reads PACT_BROKER_BASE_URL and the credentials from the environment.
set +e
case "$cmd" in
can-i-deploy)
	retries=$((timeout / interval))
	echo "can-i-deploy: may $pacticipant $PACT_PACTICIPANT_VERSION be deployed to $PACT_ENVIRONMENT? (asking for up to ${timeout}s while unknown)"
	masked "$pact" broker can-i-deploy --pacticipant "$pacticipant" --version "$PACT_PACTICIPANT_VERSION" \
		--to-environment "$PACT_ENVIRONMENT" --retry-while-unknown "$retries" --retry-interval "$interval"
	;;
record-deployment)
	echo "record-deployment: $pacticipant $PACT_PACTICIPANT_VERSION is deployed to $PACT_ENVIRONMENT"
	masked "$pact" broker record-deployment --pacticipant "$pacticipant" --version "$PACT_PACTICIPANT_VERSION" --environment "$PACT_ENVIRONMENT"
	;;
record-release)
	echo "record-release: $pacticipant $PACT_PACTICIPANT_VERSION is released to $PACT_ENVIRONMENT"
	masked "$pact" broker record-release --pacticipant "$pacticipant" --version "$PACT_PACTICIPANT_VERSION" --environment "$PACT_ENVIRONMENT"
	;;
esac
rc=$?
set -e
if [ $rc -ne 0 ]; then
	case "$cmd" in
	can-i-deploy) echo "can-i-deploy: NO: $pacticipant $PACT_PACTICIPANT_VERSION must not be deployed to $PACT_ENVIRONMENT (the broker's answer, or its error, is above)" >&2 ;;
	*) echo "$cmd: the broker at $(printf '%s' "$PACT_BROKER_BASE_URL" | "$gate" mask) did not record it (its answer is above)" >&2 ;;
	esac
	exit 1
fi
