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

.PHONY: pact-ffi pact-cli verify-pacts pact-stub publish-pacts

pact-ffi: $(PACT_FFI_STAMP) ## install libpact_ffi 0.4.28 (what pact-go links) into .tools/pact/lib

pact-cli: $(PACT_CLI_STAMP) ## install the pact CLI (stub server, broker client) into .tools/pact/bin

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

verify-pacts: pact-ffi ## verify pacts/ (or PACT_FILES) against AUTOSHARES_BASE_URL, or the reference provider when unset
	PACT_FILES="$${PACT_FILES:-$(CURDIR)/pacts}" $(GO) test -count=1 -v -run '^TestVerifyPacts$$' ./suites/pactverify/

pact-stub: pact-cli ## serve pacts/ with the pact stub server: base URL http://127.0.0.1:PACT_STUB_PORT (8181), no /api; listens on every interface
	bash scripts/pact-stub.sh

publish-pacts: pact-cli ## publish pacts/ to PACT_BROKER_BASE_URL (refuses a dirty tree or stale pacts)
	bash scripts/publish-pacts.sh
