#!/usr/bin/env bash
# Installs Mailpit (SMTP server + HTTP API that catches mail) into .tools/bin/ (git-ignored,
# no root), for the mail token source and the internal/states tests.
#
#   scripts/install-mailpit.sh
#
# Built from source with `go install` because the Go module proxy is reachable where GitHub
# release downloads are not. Idempotent: does nothing when the installed binary already
# reports the pinned version.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bindir="$root/.tools/bin"
bin="$bindir/mailpit"

module='github.com/axllent/mailpit'
version='v1.33.1'

die() { echo "install-mailpit: $*" >&2; exit 1; }

# `mailpit version` alone asks GitHub for the latest release (and exits 1 offline), hence
# --no-release-check. Mailpit reports "dev" unless the version is set at link time, which is
# why the build below sets it: that is what makes this check meaningful.
installed() {
	[ -x "$bin" ] || return 1
	"$bin" version --no-release-check 2>/dev/null | grep -qF " $version compiled with "
}

if installed; then
	echo "install-mailpit: $bin is already $version"
	exit 0
fi

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$bindir"

echo "install-mailpit: building $module@$version into $bindir"
start=$SECONDS
# The CGO_* variables the pact makefile exports point at pact's library: irrelevant to Mailpit,
# and they would only defeat the build cache.
env -u CGO_LDFLAGS -u CGO_CFLAGS -u CGO_CPPFLAGS -u CGO_CXXFLAGS \
	GOBIN="$bindir" \
	go install -ldflags="-X $module/config.Version=$version" "$module@$version" ||
	die "go install $module@$version failed"

# Verify what was built: it runs, reports the pin, and was built from that module version.
out=$("$bin" version --no-release-check 2>&1) || die "$bin does not run: $out"
installed || die "$bin reports '$out', expected $version"
go version -m "$bin" | grep -qE "^[[:space:]]+mod[[:space:]]+$module[[:space:]]+$version[[:space:]]" ||
	die "$bin was not built from $module $version"

echo "install-mailpit: $out (built in $((SECONDS - start))s)"
