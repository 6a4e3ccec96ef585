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
# Extra flags for Ginkgo's run command, e.g. GINKGO_FLAGS="--fail-fast -v".
GINKGO_FLAGS ?=
# Compiled suite and launcher of `make conformance` (the release binary without the suite inside).
BUILD    := $(CURDIR)/.build

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
# The same launcher as the release binary (cmd/autoshares-conformance), given the freshly
# compiled suite: the same settings checks, parallel processes, reports and exit codes. make
# exits 2 for any failed recipe, whatever the launcher's code: the recipe says the launcher's
# code and writes it to .build/conformance.exit (`make conformance || exit $(cat .build/conformance.exit)`).
conformance: $(if $(AUTOSHARES_BASE_URL),,mailpit) ## run the conformance suite against AUTOSHARES_BASE_URL, or the embedded reference provider, in AUTOSHARES_PROCS processes (auto: picked from the target's answer time and the cores) (LABELS=... to pick areas; LIST=1 lists the selected specs and checks without running them)
	@mkdir -p $(BUILD)
	$(GO) test -c -o $(BUILD)/passwordreset.test $(SUITE)
	$(GO) build -o $(BUILD)/autoshares-conformance ./cmd/autoshares-conformance
	@code=0; AUTOSHARES_INVOKED_AS='make conformance' $(BUILD)/autoshares-conformance --suite $(BUILD)/passwordreset.test $(if $(LABELS),--labels '$(LABELS)') $(if $(LIST),--list) $(if $(GINKGO_FLAGS),-- $(GINKGO_FLAGS)) || code=$$?; \
	echo $$code > $(BUILD)/conformance.exit; \
	if [ $$code -ne 0 ]; then echo "make conformance: the launcher exited $$code (1: a spec, the preflight or the verdict failed; 2: a mistake in the settings or flags); make itself exits 2 for any failure, the launcher's code is in $(BUILD)/conformance.exit" >&2; fi; \
	exit $$code

.PHONY: dist
dist: ## build the release binary (suite inside, no Go toolchain needed to run it) into dist/ for DIST_PLATFORMS (linux/amd64 darwin/arm64)
	bash scripts/dist.sh

.PHONY: test
test: pact-ffi pact-cli mailpit chromium ## every test of the project, with the race detector
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(MAKE) --no-print-directory workflows
	# The self-test runs the suite once per fault switch (about 90): longer than go test's
	# default 10 minutes on 2 cores under the race detector.
	$(GO) test -race -count=1 -timeout 45m ./...
	@echo "--- the suite in parallel, in random order"
	AUTOSHARES_REPORT_DIR=$(REPORTS)/parallel $(GINKGO) run -race -p --randomize-all $(SUITE)
	@echo "--- the committed pacts are what the suite records"
	bash scripts/check-pacts.sh

.PHONY: chromium
chromium: ## install headless Chromium (Debian's chromium package) for the HTML report's browser test
	bash scripts/install-chromium.sh

.PHONY: workflows
# Shellcheck and pyflakes are off: whether they ran would depend on what the machine has
# installed, and the same workflow must pass here and in CI.
workflows: ## check .github/workflows with actionlint (pinned in go.mod)
	$(GO) tool actionlint -shellcheck= -pyflakes= .github/workflows/*.yml

.PHONY: pacts
pacts: mailpit ## regenerate pacts/ from a full, passing run against the embedded provider
	env -u AUTOSHARES_BASE_URL -u AUTOSHARES_STATE_URL -u AUTOSHARES_APP_KEY -u AUTOSHARES_CONFIG \
		AUTOSHARES_PACT_DIR=$(or $(PACT_OUT),$(CURDIR)/pacts) AUTOSHARES_REPORT_DIR=$(REPORTS)/pacts-run \
		$(GINKGO) run -p --randomize-all $(SUITE)

# Fixed ports, so the settings the sandbox prints stay the same from one start to the next.
SANDBOX_PORT         ?= 8080
SANDBOX_MAILPIT_PORT ?= 8025
SANDBOX_SMTP_PORT    ?= 1025
# The settings for the suite against the sandbox, as a file for AUTOSHARES_CONFIG (git ignores *.local.json).
SANDBOX_SETTINGS     ?= $(CURDIR)/sandbox.local.json

.PHONY: sandbox
# exec: the provider replaces the recipe's shell, so Ctrl-C reaches it directly and it
# stops Mailpit and itself cleanly.
sandbox: mailpit ## run the reference provider on 127.0.0.1:SANDBOX_PORT (8080) with its state endpoint and a Mailpit on SANDBOX_MAILPIT_PORT (8025); prints the settings to paste and writes them to SANDBOX_SETTINGS (sandbox.local.json) for AUTOSHARES_CONFIG (Ctrl-C stops both)
	@mkdir -p $(BUILD)
	$(GO) build -o $(BUILD)/refprovider ./cmd/refprovider
	@REFPROVIDER_SETTINGS_FILE=$(SANDBOX_SETTINGS) exec $(BUILD)/refprovider --test-mode --listen 127.0.0.1:$(SANDBOX_PORT) --mailpit \
		--mailpit-api 127.0.0.1:$(SANDBOX_MAILPIT_PORT) --mailpit-smtp 127.0.0.1:$(SANDBOX_SMTP_PORT) $(SANDBOX_FLAGS)

.PHONY: checks-doc
checks-doc: ## regenerate docs/CHECKS.md and internal/catalogue/ids_gen.go from the check catalogue (internal/catalogue/catalogue.json)
	$(GO) run ./cmd/checksdoc -ids internal/catalogue/ids_gen.go docs/CHECKS.md

.PHONY: sample-config
sample-config: ## regenerate fixtures/staging.sample.json (every setting) from the settings table (internal/config)
	$(GO) run ./cmd/sampleconfig fixtures/staging.sample.json

.PHONY: bench
bench: mailpit ## time the suite against a bare net/http client, the default run against a provider at 300ms and at 0 latency beside its critical path, and Newman's four core step 4 cases beside the whole run
	bash scripts/bench.sh

.PHONY: clean
clean: ## remove reports and compiled suites (keeps installed tools)
	rm -rf $(REPORTS) suites/*/*.test $(BUILD) dist
