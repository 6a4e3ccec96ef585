#!/usr/bin/env bash
# `make dist`: the release binary, one per platform, into dist/. Each embeds the suite
# compiled for its own platform (go test -c), so it needs no Go toolchain and no source
# tree. The compiled suite reaches the //go:embed of cmd/autoshares-conformance through a
# build overlay: nothing is written into the source tree.
#   DIST_PLATFORMS="linux/amd64" DIST_DIR=/tmp/out bash scripts/dist.sh
set -euo pipefail
cd "$(dirname "$0")/.."

platforms=${DIST_PLATFORMS:-linux/amd64 darwin/arm64}
out=${DIST_DIR:-dist}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
embed_path="$PWD/cmd/autoshares-conformance/suite/passwordreset.test"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# -s -w drop the symbol table and DWARF, not the line tables Ginkgo reports failures with.
export CGO_ENABLED=0
for p in $platforms; do
  goos=${p%/*} goarch=${p#*/}
  name=autoshares-conformance-$goos-$goarch
  # The suite's reports name the build: it runs unpacked in a temporary directory, where
  # neither a VCS stamp (test binaries get none) nor git can say it.
  stamp="-X github.com/autoshares/conformance/internal/report.stampedVersion=$version -X github.com/autoshares/conformance/internal/report.stampedCommit=$commit"
  GOOS=$goos GOARCH=$goarch go test -c -trimpath -ldflags="-s -w $stamp" -o "$work/$name.test" ./suites/passwordreset
  printf '{"Replace":{"%s":"%s"}}\n' "$embed_path" "$work/$name.test" >"$work/$name.overlay.json"
  GOOS=$goos GOARCH=$goarch go build -tags dist -trimpath -overlay "$work/$name.overlay.json" \
    -ldflags="-s -w -X main.version=$version -X main.commit=$commit" -o "$out/$name" ./cmd/autoshares-conformance
  echo "$out/$name ($version, $(du -h "$out/$name" | cut -f1))"
done
