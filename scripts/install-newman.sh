#!/usr/bin/env bash
# Installs Newman (Postman's command-line runner) into .tools/newman from the npm registry,
# for make bench's side-by-side yardstick (fixtures/bench/step4-core.postman_collection.json).
# Needs node and npm (Debian's nodejs and npm packages; installed with apt-get when root).
#
#   scripts/install-newman.sh            prints the path of the newman command
#
# Idempotent: does nothing when .tools/newman already holds the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

version=6.2.2
dir=.tools/newman
bin=$dir/node_modules/.bin/newman
die() { echo "install-newman: $*" >&2; exit 1; }

if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "$version" ]; then
	echo "$bin"
	exit 0
fi
if ! command -v npm >/dev/null; then
	command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ] ||
		die "npm not found: install Node.js and npm (Debian: apt-get install -y nodejs npm)"
	echo "install-newman: installing Debian's nodejs and npm packages" >&2
	apt-get install -y -q nodejs npm >&2 || die "apt-get install nodejs npm failed"
fi
mkdir -p "$dir"
echo "install-newman: installing newman $version into $dir" >&2
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "newman@$version" >&2 ||
	die "npm install newman@$version failed"
echo "$bin"
