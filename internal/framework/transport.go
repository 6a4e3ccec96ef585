package framework

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/results"
)

// Each process counts its own rate-limit waits (internal/client); at the end every
// process leaves its count in the run's private directory and process 1 sums them for the
// reports.

func rateLimitDir(runDir string) string { return filepath.Join(runDir, "rate-limits") }

// shareRateLimits writes this process's waits for process 1.
func shareRateLimits() error {
	pool := client.ProcessPool()
	if World == nil || pool == nil {
		return nil
	}
	dir := rateLimitDir(World.Recorder.Dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sharing the rate-limit waits: %w", err)
	}
	b, _ := json.Marshal(pool.Waits().Snapshot())
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", GinkgoParallelProcess())), b, 0o600); err != nil {
		return fmt.Errorf("sharing the rate-limit waits: %w", err)
	}
	return nil
}

// runRateLimits sums every process's waits (process 1's preflight included).
func runRateLimits(r Report, runDir string) (results.RateLimit, error) {
	var sum client.Snapshot
	if pool := client.ProcessPool(); pool != nil && runDir == "" {
		sum = pool.Waits().Snapshot() // the run stopped before it had a shared directory
	}
	if runDir != "" {
		files, _ := filepath.Glob(filepath.Join(rateLimitDir(runDir), "*.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			var s client.Snapshot
			if err == nil {
				err = json.Unmarshal(b, &s)
			}
			if err != nil {
				return results.RateLimit{}, fmt.Errorf("reading a process's rate-limit waits: %w", err)
			}
			sum = sum.Add(s)
		}
		if len(files) == 0 {
			if pool := client.ProcessPool(); pool != nil {
				sum = pool.Waits().Snapshot()
			}
		}
	}
	return results.RateLimitOf(r, sum), nil
}

// connection says how the target was reached: the protocol of the preflight's first answer
// and the proxy from the environment, if any (never its credentials).
func connection(baseURL string) string {
	var parts []string
	u, err := url.Parse(baseURL)
	if pool := client.ProcessPool(); pool != nil {
		proto := pool.Protocol()
		if err == nil && pool.ProtocolOf(u.Host) != "" {
			proto = pool.ProtocolOf(u.Host) // the target's, not the mailbox's
		}
		if proto != "" {
			parts = append(parts, proto)
		}
	}
	if err == nil && baseURL != "" {
		if p, _ := http.ProxyFromEnvironment(&http.Request{URL: u}); p != nil {
			parts = append(parts, "via the proxy "+client.ProxyName(p))
		}
	}
	return strings.Join(parts, ", ")
}
