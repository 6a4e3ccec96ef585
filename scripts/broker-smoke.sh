#!/usr/bin/env bash
# Runs the whole broker flow against a real Pact Broker (the tests use a loopback double):
#   1. publish the suite's pacts (scripts/publish-pacts.sh: clean tree, current pacts);
#   2. verify the broker's selection for the provider against the reference provider and
#      publish the results as provider version smoke-<commit> on branch smoke;
#   3. can-i-deploy that version to PACT_ENVIRONMENT, then record-deployment there.
# It writes to the broker: use a test broker or a test environment.
#
#   PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN (or PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD)
#   PACT_ENVIRONMENT   where to record the smoke deployment (default: test, which a new
#                      broker seeds)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ -z "${PACT_BROKER_BASE_URL:-}" ] || { [ -z "${PACT_BROKER_TOKEN:-}" ] && { [ -z "${PACT_BROKER_USERNAME:-}" ] || [ -z "${PACT_BROKER_PASSWORD:-}" ]; }; }; then
	cat >&2 <<'MSG'
broker-smoke: needs a real Pact Broker. Set
  PACT_BROKER_BASE_URL   e.g. https://broker.example.com
  PACT_BROKER_TOKEN      (or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD)
and optionally PACT_ENVIRONMENT (default test). It publishes, verifies, and records a
deployment there: use a test broker or environment.
MSG
	exit 2
fi

commit=$(git rev-parse --short HEAD)
export PACT_ENVIRONMENT=${PACT_ENVIRONMENT:-test}
provider=${AUTOSHARES_PACT_PROVIDER:-AutoSharesTradingAPI}

echo "broker-smoke: 1/3 publishing the suite's pacts"
bash scripts/publish-pacts.sh

echo "broker-smoke: 2/3 verifying $provider's pacts from the broker against the reference provider"
env -u AUTOSHARES_BASE_URL -u AUTOSHARES_STATE_URL -u AUTOSHARES_APP_KEY -u PACT_URL \
	PACT_PROVIDER_VERSION="smoke-$commit" PACT_PROVIDER_BRANCH=smoke \
	PACT_PUBLISH_VERIFICATION_RESULTS=true \
	make --no-print-directory verify-pacts

echo "broker-smoke: 3/3 can-i-deploy and record-deployment of $provider smoke-$commit to $PACT_ENVIRONMENT"
PACT_PACTICIPANT="$provider" PACT_PACTICIPANT_VERSION="smoke-$commit" bash scripts/pact-broker.sh can-i-deploy
PACT_PACTICIPANT="$provider" PACT_PACTICIPANT_VERSION="smoke-$commit" bash scripts/pact-broker.sh record-deployment
# The URL may carry credentials (user:password@): shown without them.
echo "broker-smoke: the broker flow works against $(printf '%s' "$PACT_BROKER_BASE_URL" | sed -E 's#://[^/@]*@#://[REDACTED]@#; s#\?.*##')"
