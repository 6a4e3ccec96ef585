#!/usr/bin/env bash
# `make dist`: the release binary, one per platform, into dist/. Each embeds the suite
# compiled for its own platform (go test -c), so it needs no Go toolchain and no source
# tree. The compiled suite reaches the //go:embed of cmd/autoshares-conformance through a
# build overlay: nothing is written into the source tree. Mailpit, built for the same
# platform, travels inside too, so the binary alone runs the mail specs against the embedded
# provider with its mail going through a real SMTP server and mailbox.
#   DIST_PLATFORMS="linux/amd64" DIST_DIR=/tmp/out bash scripts/dist.sh
set -euo pipefail
cd "$(dirname "$0")/.."

platforms=${DIST_PLATFORMS:-linux/amd64 darwin/arm64}
out=${DIST_DIR:-dist}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
embed_path="$PWD/cmd/autoshares-conformance/suite/passwordreset.test"
mailpit_embed_path="$PWD/cmd/autoshares-conformance/suite/mailpit"
# The Mailpit release scripts/install-mailpit.sh pins.
mailpit_module=$(sed -n "s/^module='\(.*\)'$/\1/p" scripts/install-mailpit.sh)
mailpit_version=$(sed -n "s/^version='\(.*\)'$/\1/p" scripts/install-mailpit.sh)

work=$(mktemp -d)
# go install leaves its files read-only: make them removable first.
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$out"

# -s -w drop the symbol table and DWARF, not the line tables Ginkgo reports failures with.
export CGO_ENABLED=0
for p in $platforms; do
  goos=${p%/*} goarch=${p#*/}
  name=autoshares-conformance-$goos-$goarch
  # The suite's reports name the build: it runs unpacked in a temporary directory, where
  # neither a VCS stamp (test binaries get none) nor git can say it.
  stamp="-X github.com/autoshares/conformance/internal/results.stampedVersion=$version -X github.com/autoshares/conformance/internal/results.stampedCommit=$commit"
  GOOS=$goos GOARCH=$goarch go test -c -trimpath -ldflags="-s -w $stamp" -o "$work/$name.test" ./suites/passwordreset
  # go install cross-compiles into GOPATH/bin/<os>_<arch>/ (the host's own into GOPATH/bin/):
  # a private GOPATH keeps it out of the user's, the shared module cache keeps it fast.
  gopath="$work/gopath-$goos-$goarch"
  env -u CGO_LDFLAGS -u CGO_CFLAGS GOPATH="$gopath" GOMODCACHE="$(go env GOMODCACHE)" GOOS=$goos GOARCH=$goarch \
    go install -trimpath -ldflags="-s -w -X $mailpit_module/config.Version=$mailpit_version" "$mailpit_module@$mailpit_version"
  mailpit_bin=$(find "$gopath/bin" -type f -name mailpit | head -n 1)
  [ -n "$mailpit_bin" ] || { echo "dist: no Mailpit built for $p" >&2; exit 1; }
  printf '{"Replace":{"%s":"%s","%s":"%s"}}\n' "$embed_path" "$work/$name.test" "$mailpit_embed_path" "$mailpit_bin" >"$work/$name.overlay.json"
  GOOS=$goos GOARCH=$goarch go build -tags dist -trimpath -overlay "$work/$name.overlay.json" \
    -ldflags="-s -w -X main.version=$version -X main.commit=$commit" -o "$out/$name" ./cmd/autoshares-conformance
  echo "$out/$name ($version, $(du -h "$out/$name" | cut -f1))"
done
