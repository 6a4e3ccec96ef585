// Package pactverify verifies the project's pact files against a provider (a deployment, or
// the in-process reference provider) with pact-go. It has tests only; see pactverify_test.go.
//
// pact-go links libpact_ffi: build with CGO_LDFLAGS="-L$PWD/.tools/pact/lib
// -Wl,-rpath,$PWD/.tools/pact/lib" (scripts/pact.mk exports exactly that).
package pactverify

// A missing native library otherwise surfaces at link time as "cannot find -lpact_ffi", or,
// when pact-go's own installer left a 0-byte copy in a system dir it links from, as dozens of
// "undefined reference" errors. __has_include finds any file on the include path, so this
// turns that into one line at compile time. Only the project's install dir counts: the
// install script put a verified copy there, and CGO_LDFLAGS puts it first on the link path.

// The LDFLAGS line lets a bare `go test` (an editor, say) link too; CGO_LDFLAGS from
// scripts/pact.mk still comes first on the command line, so make builds are unaffected.

/*
#cgo CFLAGS: -I${SRCDIR}/../../.tools/pact/lib
#cgo LDFLAGS: -L${SRCDIR}/../../.tools/pact/lib -Wl,-rpath,${SRCDIR}/../../.tools/pact/lib
#if !__has_include(<libpact_ffi.so>)
#error "libpact_ffi.so (the pact native library) is not installed: run make pact-ffi"
#endif
*/
import "C"
