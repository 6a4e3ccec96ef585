package launch

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
)

// http:// to a host that is not loopback: exit 2 before anything starts or connects, the
// setting named.
func TestCleartextToARemoteHostExitsWithUsage(t *testing.T) {
	t.Setenv(config.RunDirEnv, t.TempDir()) // else Run sets it for the rest of the process
	t.Setenv("AUTOSHARES_BASE_URL", "http://192.0.2.1/api")
	t.Setenv("AUTOSHARES_APP_KEY", "k-123456")
	var out, errOut bytes.Buffer
	code := Run(Options{Suite: "/nonexistent/passwordreset.test", Stdout: &out, Stderr: &errOut})
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitUsage, errOut.String())
	}
	for _, want := range []string{"AUTOSHARES_BASE_URL: http://192.0.2.1/api is http:// to 192.0.2.1, which is not loopback", "cleartext",
		"AUTOSHARES_ALLOW_CLEARTEXT=true", "No spec was run."} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if out.Len() > 0 {
		t.Errorf("a description was printed, as if the run started:\n%s", out.String())
	}
}

// The proxy from the environment is named, without its credentials. net/http reads the
// environment once per process, so this runs in a child process with the proxy set.
func TestTheProxyIsNamedWithoutCredentials(t *testing.T) {
	if os.Getenv("LAUNCH_PROXY_CHILD") == "1" {
		d := describeTransport(config.Config{BaseURL: "https://staging.example.com/api"})
		os.Stdout.WriteString(d)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTheProxyIsNamedWithoutCredentials$")
	cmd.Env = append(os.Environ(), "LAUNCH_PROXY_CHILD=1", "HTTPS_PROXY=http://proxy-user:proxy-secret@proxy.example:3128", "NO_PROXY=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Proxy: http://proxy.example:3128 (from HTTPS_PROXY)") {
		t.Errorf("the proxy is not named:\n%s", out)
	}
	if strings.Contains(string(out), "proxy-secret") || strings.Contains(string(out), "proxy-user") {
		t.Errorf("the proxy's credentials are shown:\n%s", out)
	}
}
