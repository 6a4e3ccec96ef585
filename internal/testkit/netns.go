// Package netns re-runs a test binary inside a private network namespace whose only
// interface is loopback. Two servers the contract tests need cannot be told to listen on
// 127.0.0.1: pact-go's verification proxy listens on ":port" and the pact stub server on
// 0.0.0.0. Inside the namespace "every interface" is loopback, so nothing a test starts is
// reachable from outside the machine, or even from outside the test.
package testkit

import (
	"fmt"
	"os"
	"os/exec"
)

// insideEnv marks the re-run process, so it does not re-run itself again.
const insideEnv = "AUTOSHARES_PRIVATE_NETNS"

// Reexec runs this test binary again inside a private network namespace and returns its
// exit code with ran true. It returns ran false, and the caller goes on in this process,
// when already inside one, or when unshare is not permitted here (it then says so on
// stderr). Call it first thing in TestMain, and only when the tests need no network
// beyond loopback.
func Reexec() (code int, ran bool) {
	if os.Getenv(insideEnv) != "" {
		return 0, false
	}
	// --map-root-user lets an unprivileged developer do this too; as root it changes nothing.
	probe := exec.Command("unshare", "--net", "--map-root-user", "--", "ip", "link", "set", "lo", "up")
	if out, err := probe.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "netns: cannot make a private network namespace (%v: %s); servers of these tests may listen on every interface\n", err, out)
		return 0, false
	}
	args := append([]string{"--net", "--map-root-user", "--", "sh", "-c", `ip link set lo up && exec "$0" "$@"`, os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), insideEnv+"=1")
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), true
		}
		fmt.Fprintf(os.Stderr, "netns: %v\n", err)
		return 1, true
	}
	return 0, true
}
