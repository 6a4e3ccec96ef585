#!/usr/bin/env bash
# Installs headless Chromium from Debian's `chromium` package, for the browser test of the
# HTML report (internal/results). Needs root (or sudo) and apt; CI runs it via `make test`.
#
#   scripts/install-chromium.sh
#
# Idempotent: does nothing when a chromium binary is already on PATH (or CHROMIUM_BIN names
# one). The test finds the binary the same way.
set -euo pipefail

die() { echo "install-chromium: $*" >&2; exit 1; }

for candidate in "${CHROMIUM_BIN:-}" chromium chromium-browser; do
	[ -n "$candidate" ] || continue
	if bin=$(command -v "$candidate" 2>/dev/null); then
		echo "install-chromium: $bin is already installed ($("$bin" --version 2>/dev/null || echo 'version unknown'))"
		exit 0
	fi
done

command -v apt-get >/dev/null ||
	die "apt-get not found: install Chromium with your system's package manager, or set CHROMIUM_BIN to a Chromium binary"

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: run 'apt-get install -y chromium' as root"
	sudo=(sudo)
fi

echo "install-chromium: installing Debian's chromium package"
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q || die "apt-get update failed"
"${sudo[@]}" apt-get install -y -q chromium || die "apt-get install chromium failed"

bin=$(command -v chromium) || die "the chromium package installed no 'chromium' on PATH"
# As root Chromium refuses to start without --no-sandbox; the test passes it, so does this check.
version=$("$bin" --headless --no-sandbox --version 2>/dev/null) || die "$bin does not run (try: $bin --headless --no-sandbox --version)"
echo "install-chromium: $version (installed in $((SECONDS - start))s)"
