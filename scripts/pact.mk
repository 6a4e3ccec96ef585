# Pact tooling: the native library pact-go links, the pact CLI, and the targets that use them.
# Included by the main Makefile (`include scripts/pact.mk`); run make from the repository root.

GO ?= go
PACT_DIR := $(CURDIR)/.tools/pact
PACT_LIB := $(PACT_DIR)/lib
PACT_BIN := $(PACT_DIR)/bin/pact

# Exactly this value everywhere (Makefile, CI, editor): any change to CGO_LDFLAGS rebuilds
# every cgo package. The rpath means no LD_LIBRARY_PATH at run time.
export CGO_LDFLAGS := -L$(PACT_LIB) -Wl,-rpath,$(PACT_LIB)
export PACT_DO_NOT_TRACK := true
export PACT_LOG_LEVEL ?= ERROR

# Stamps: the script verifies checksums (fast, but not free), so make runs it only when the
# script (its pins) changed or the installed file is gone.
PACT_FFI_STAMP := $(PACT_DIR)/.ffi.stamp
PACT_CLI_STAMP := $(PACT_DIR)/.cli.stamp

.PHONY: pact-ffi pact-cli pact-opc verify-pacts pact-stub publish-pacts openapi check-consumer-pact \
	can-i-deploy record-deployment record-release broker-smoke \
	publish-provider-contract

pact-ffi: $(PACT_FFI_STAMP) ## install libpact_ffi 0.4.28 (what pact-go links) into .tools/pact/lib

# The comparator rides along with the CLI so that `make test` (which needs pact-cli) has it.
pact-cli: $(PACT_CLI_STAMP) pact-opc ## install the pact CLI (stub server, broker client) into .tools/pact/bin

PACT_OPC := $(PACT_DIR)/opc/cli.cjs
PACT_OPC_STAMP := $(PACT_DIR)/.opc.stamp

pact-opc: $(PACT_OPC_STAMP) ## install openapi-pact-comparator (needs node) into .tools/pact/opc

$(PACT_OPC_STAMP): scripts/install-pact.sh $(PACT_OPC)
	bash scripts/install-pact.sh opc
	touch $@

$(PACT_OPC):
	bash scripts/install-pact.sh opc

$(PACT_FFI_STAMP): scripts/install-pact.sh $(PACT_LIB)/libpact_ffi.so
	bash scripts/install-pact.sh ffi
	touch $@

$(PACT_CLI_STAMP): scripts/install-pact.sh $(PACT_BIN)
	bash scripts/install-pact.sh cli
	touch $@

$(PACT_LIB)/libpact_ffi.so:
	bash scripts/install-pact.sh ffi

$(PACT_BIN):
	bash scripts/install-pact.sh cli

verify-pacts: pact-ffi ## verify pacts/ (or PACT_FILES, PACT_URL, or the pacts PACT_BROKER_BASE_URL selects) against AUTOSHARES_BASE_URL, or the reference provider
	PACT_FILES="$${PACT_FILES:-$(CURDIR)/pacts}" $(GO) test -count=1 -v -run '^TestVerifyPacts$$' ./suites/pactverify/

pact-stub: pact-cli ## serve pacts/ with the pact stub server: base URL http://127.0.0.1:PACT_STUB_PORT (8181), no /api; listens on every interface
	bash scripts/pact-stub.sh

publish-pacts: pact-cli ## publish pacts/ to PACT_BROKER_BASE_URL (refuses a dirty tree or stale pacts)
	bash scripts/publish-pacts.sh

publish-provider-contract: pact-cli ## publish openapi/ as the provider contract with the last run's results (reports/) to PACT_BROKER_BASE_URL, as PACT_PROVIDER_VERSION on PACT_PROVIDER_BRANCH (bi-directional contract testing)
	bash scripts/publish-provider-contract.sh

openapi: ## write the provider contract as OpenAPI 3.1 to openapi/ (from schemas/ and internal/pacts)
	$(GO) run ./cmd/openapi openapi/autoshares-password-reset.openapi.json

check-consumer-pact: pact-opc pact-ffi ## check a consumer's pact (PACT=file) against openapi/ offline and against the reference provider
	bash scripts/check-consumer-pact.sh "$(PACT)"

can-i-deploy: pact-cli ## ask the broker whether PACT_PACTICIPANT_VERSION may go to PACT_ENVIRONMENT (retries while unknown)
	bash scripts/pact-broker.sh can-i-deploy

record-deployment: pact-cli ## record that PACT_PACTICIPANT_VERSION is deployed to PACT_ENVIRONMENT
	bash scripts/pact-broker.sh record-deployment

record-release: pact-cli ## record that PACT_PACTICIPANT_VERSION is released to PACT_ENVIRONMENT
	bash scripts/pact-broker.sh record-release

broker-smoke: pact-cli pact-ffi ## run the broker flows against the real broker at PACT_BROKER_BASE_URL (see docs/PACT.md)
	bash scripts/broker-smoke.sh
