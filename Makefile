# AutoShares Trading API conformance and contract suite.
# `make conformance` is the main job; `make test` runs every test of the project.
# `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
GINKGO   := $(GO) tool ginkgo
SUITE    := ./suites/passwordreset
REPORTS  ?= $(CURDIR)/reports
LABELS   ?=
# Extra flags for the Ginkgo CLI, e.g. GINKGO_FLAGS="-p" or GINKGO_FLAGS="--label-filter=step4".
GINKGO_FLAGS ?=

export AUTOSHARES_REPORT_DIR ?= $(REPORTS)

# The pact native library, the pact CLI, CGO_LDFLAGS and the pact targets.
include scripts/pact.mk
# Mailpit, the mailbox of the mail token source.
include scripts/mailpit.mk

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

.PHONY: conformance
# The embedded provider mails its codes to a local Mailpit: install it when no target is given.
conformance: $(if $(AUTOSHARES_BASE_URL),,mailpit) ## run the conformance suite against AUTOSHARES_BASE_URL, or the embedded reference provider (LABELS=... to pick areas)
	$(GINKGO) run --randomize-all $(if $(LABELS),--label-filter='$(LABELS)') $(GINKGO_FLAGS) $(SUITE)

.PHONY: test
test: pact-ffi pact-cli mailpit chromium ## every test of the project, with the race detector
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	@echo "--- the suite in parallel, in random order"
	AUTOSHARES_REPORT_DIR=$(REPORTS)/parallel $(GINKGO) run -race -p --randomize-all $(SUITE)
	@echo "--- the committed pacts are what the suite records"
	bash scripts/check-pacts.sh

.PHONY: chromium
chromium: ## install headless Chromium (Debian's chromium package) for the HTML report's browser test
	bash scripts/install-chromium.sh

.PHONY: pacts
pacts: mailpit ## regenerate pacts/ from a full, passing run against the embedded provider
	env -u AUTOSHARES_BASE_URL -u AUTOSHARES_STATE_URL -u AUTOSHARES_APP_KEY -u AUTOSHARES_CONFIG \
		AUTOSHARES_PACT_DIR=$(or $(PACT_OUT),$(CURDIR)/pacts) AUTOSHARES_REPORT_DIR=$(REPORTS)/pacts-run \
		$(GINKGO) run -p --randomize-all $(SUITE)

.PHONY: sandbox
sandbox: mailpit ## run the reference provider on 127.0.0.1:8080 with its state endpoint and a Mailpit for its mail (Ctrl-C stops both)
	$(GO) run ./cmd/refprovider --test-mode --mailpit $(SANDBOX_FLAGS)

.PHONY: checks-doc
checks-doc: ## regenerate docs/CHECKS.md from the check catalogue (internal/checks/catalogue.json)
	$(GO) run ./cmd/checksdoc docs/CHECKS.md

.PHONY: bench
bench: ## time the precompiled suite against a bare net/http client doing the same requests
	bash scripts/bench.sh

.PHONY: clean
clean: ## remove reports and compiled suites (keeps installed tools)
	rm -rf $(REPORTS) suites/*/*.test
