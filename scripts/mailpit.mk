# Mailpit: the SMTP server + HTTP API the mail token source reads confirmation codes from,
# and that internal/states tests start on loopback ports.
# Included by the main Makefile (`include scripts/mailpit.mk`); run make from the repository root.

MAILPIT := $(CURDIR)/.tools/bin/mailpit

# mailbox.BinaryPath() reads this; an explicit MAILPIT_BIN from the environment wins.
export MAILPIT_BIN ?= $(MAILPIT)

.PHONY: mailpit

mailpit: $(MAILPIT) ## install Mailpit v1.33.1 into .tools/bin

# File-based: the script runs only when the binary is missing or the script (its pin) changed;
# the script itself skips the build when the binary already reports the pinned version, and
# touch marks the binary up to date so an unchanged pin does not rerun it.
$(MAILPIT): scripts/install-mailpit.sh
	bash scripts/install-mailpit.sh
	touch $@
