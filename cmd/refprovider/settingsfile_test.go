package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	suiteconfig "github.com/autoshares/conformance/internal/config"
)

// With REFPROVIDER_SETTINGS_FILE (make sandbox), the settings are also written as a JSON
// file that the suite loads as AUTOSHARES_CONFIG; the sandbox key is in it, another key never.
func TestSettingsFileForTheBinary(t *testing.T) {
	for _, customKey := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "sandbox.local.json")
		vars := map[string]string{SettingsFileEnv: path}
		if customKey {
			vars["REFPROVIDER_APP_KEY"] = "custom-key-0f3a9"
		}
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr lockedBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--test-mode"}, env(vars), &stdout, &stderr)
		}()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(stdout.String(), "AUTOSHARES_CONFIG=") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		data, err := os.ReadFile(path)
		cancel()
		<-done
		if err != nil {
			t.Fatalf("no settings file: %v\n%s", err, stdout.String())
		}
		var s map[string]string
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s["AUTOSHARES_BASE_URL"], "http://127.0.0.1:") || !strings.HasSuffix(s["AUTOSHARES_STATE_URL"], "/test-support/provider-states") {
			t.Errorf("settings file: %s", data)
		}
		if customKey {
			if _, has := s["AUTOSHARES_APP_KEY"]; has || strings.Contains(string(data)+stdout.String(), "custom-key-0f3a9") {
				t.Errorf("a custom app key must not be written:\n%s", data)
			}
			continue
		}
		if s["AUTOSHARES_APP_KEY"] != SandboxAppKey {
			t.Errorf("the sandbox key is missing: %s", data)
		}
		// The suite loads it as its configuration file.
		if _, err := suiteconfig.Load(func(k string) string {
			if k == suiteconfig.FileEnv {
				return path
			}
			return ""
		}); err != nil {
			t.Errorf("the suite refuses the settings file: %v", err)
		}
	}
}
