# Sourced by the scripts that talk to a broker (publish-*.sh, pact-broker.sh): builds cmd/pactgate once into a private temp directory
# (removed on exit) as $gate, checks the broker settings (credentials only over https, or
# to loopback), and defines `masked CMD...`, which runs CMD with its output (both streams)
# masked: the broker's token and password, credentials and secret query parameters of URLs.
# Needs $root, the repository, and die().

gate_dir=$(mktemp -d)
trap 'rm -rf "$gate_dir"' EXIT
gate="$gate_dir/pactgate"
(cd "$root" && "${GO:-go}" build -o "$gate" ./cmd/pactgate) || die "building cmd/pactgate failed (above)"
"$gate" broker || die "the broker settings (above) would expose the broker's credentials"

masked() {
	local status errexit=0
	[[ $- == *e* ]] && errexit=1
	set +e
	"$@" 2>&1 | "$gate" mask
	status=${PIPESTATUS[0]}
	[ $errexit -eq 0 ] || set -e
	return "$status"
}
