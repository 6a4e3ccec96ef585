#!/usr/bin/env bash
# Installs the pact native library and the pact CLI into .tools/pact/ (git-ignored, no root).
#
#   scripts/install-pact.sh        both
#   scripts/install-pact.sh ffi    .tools/pact/lib/libpact_ffi.so only (what `go test` links)
#   scripts/install-pact.sh cli    .tools/pact/bin/pact only (stub server, broker client)
#   scripts/install-pact.sh opc    .tools/pact/opc/cli.cjs only (compares a pact with the OpenAPI
#                                  document; runs on node, Debian: apt-get install nodejs)
#
# Both come from npm packages because the npm registry is reachable where GitHub release
# downloads are not. Every file is pinned by sha256: a wrong or truncated file (pact-go's own
# installer leaves a 0-byte library behind) is refused, never installed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/.tools/pact"

# libpact_ffi 0.4.28: the FFI version pact-go v2.4.2 is built against. pact-core 17.x-18.1.0
# carry it; 19.x and later carry FFI 0.5.x, which pact-go 2.4.2 cannot link.
ffi_pkg='@pact-foundation/pact-core-linux-x64-glibc@18.1.0'
ffi_src='package/prebuilds/linux-x64/libpact_ffi.so'
ffi_dst='lib/libpact_ffi.so'
ffi_sha256='f2e805e6433afa2cabc3ad3c309786a975075319dcb370c737e0041b4bff9887'

cli_pkg='@pact-foundation/pact-cli-linux-x64@18.1.2'
cli_src='package/standalone/pact'
cli_dst='bin/pact'
cli_sha256='d69be30fb034789e9cbd8dc170fd2bc794860e8202c6b9144585adc2ecec345d'

# openapi-pact-comparator 2.3.1 (PactFlow): one bundled file, no dependencies. It reads
# OpenAPI 3.1 (checked with the committed document). It declares node >= 22 but runs on the
# Debian node 20 here; scripts/check-consumer-pact.sh runs it.
opc_pkg='@pactflow/openapi-pact-comparator@2.3.1'
opc_src='package/dist/cli.cjs'
opc_dst='opc/cli.cjs'
opc_sha256='7650567e8a71a2f64bf572e226d9e5b62c51c4dedee15b1329c4533351f1e0f3'

die() { echo "install-pact: $*" >&2; exit 1; }

# Temp dirs are removed on any exit, die included.
tmps=()
trap 'rm -rf "${tmps[@]}"' EXIT

# verify FILE SHA256: succeeds only for a non-empty file with exactly that checksum.
verify() {
	local file=$1 want=$2 got
	[ -f "$file" ] || { echo "$file does not exist"; return 1; }
	[ -s "$file" ] || { echo "$file is empty (0 bytes)"; return 1; }
	got=$(sha256sum "$file" | cut -d' ' -f1)
	[ "$got" = "$want" ] || { echo "$file has sha256 $got, expected $want"; return 1; }
}

# install NAME PACKAGE PATH-IN-TARBALL DEST-RELATIVE SHA256 MODE
install_one() {
	local name=$1 pkg=$2 src=$3 dst="$dest/$4" sha=$5 mode=$6 tmp why tgz
	if verify "$dst" "$sha" >/dev/null; then
		echo "install-pact: $name already installed and verified ($dst)"
		return 0
	fi
	# Only this platform's packages are pinned.
	[ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] ||
		die "$name: only Linux x86_64 is pinned here, this is $(uname -s)/$(uname -m)"
	command -v npm >/dev/null || die "$name: npm not found (Debian: apt-get install npm)"

	tmp=$(mktemp -d)
	tmps+=("$tmp")
	echo "install-pact: fetching $pkg"
	tgz=$(cd "$tmp" && npm pack --silent --ignore-scripts "$pkg") ||
		die "$name: npm pack $pkg failed"
	tar xzf "$tmp/$tgz" -C "$tmp" "$src" ||
		die "$name: $src not found in $pkg"
	why=$(verify "$tmp/$src" "$sha") ||
		die "$name: refusing to install: $why (package $pkg)"

	mkdir -p "$(dirname "$dst")"
	# Copy beside the target, then rename: a reader never sees a half-written file.
	cp "$tmp/$src" "$dst.tmp.$$"
	chmod "$mode" "$dst.tmp.$$"
	mv -f "$dst.tmp.$$" "$dst"
	why=$(verify "$dst" "$sha") || die "$name: installed file failed verification: $why"
	echo "install-pact: installed $name ($dst)"
}

install_ffi() { install_one "libpact_ffi 0.4.28" "$ffi_pkg" "$ffi_src" "$ffi_dst" "$ffi_sha256" 0644; }
install_cli() { install_one "pact CLI 18.1.2" "$cli_pkg" "$cli_src" "$cli_dst" "$cli_sha256" 0755; }
install_opc() {
	command -v node >/dev/null || die "openapi-pact-comparator needs node (Debian: apt-get install nodejs)"
	install_one "openapi-pact-comparator 2.3.1" "$opc_pkg" "$opc_src" "$opc_dst" "$opc_sha256" 0644
}

case "${1:-all}" in
ffi) install_ffi ;;
cli) install_cli ;;
opc) install_opc ;;
all) install_ffi && install_cli && install_opc ;;
*) die "usage: $0 [ffi|cli|opc]" ;;
esac
