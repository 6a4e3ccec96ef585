package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
)

// SettingsFileEnv names a file to write the suite's settings for this provider to, as JSON
// for AUTOSHARES_CONFIG (make sandbox sets it): the QA path runs the release binary with a
// configuration file, not export lines.
const SettingsFileEnv = "REFPROVIDER_SETTINGS_FILE"

// settingsJSON is the configuration file for the suite against this provider. The app key
// is in it only when it is the documented sandbox key; any other key stays in the
// environment (AUTOSHARES_APP_KEY), never in a file this command writes.
func settingsJSON(r *refprovider.Running, mp *states.Server, appKeyFrom string) []byte {
	s := map[string]string{"AUTOSHARES_BASE_URL": r.BaseURL}
	if strings.HasPrefix(appKeyFrom, "the documented sandbox default") {
		s["AUTOSHARES_APP_KEY"] = SandboxAppKey
	}
	if r.StateURL != "" {
		s["AUTOSHARES_STATE_URL"] = r.StateURL
	}
	if mp != nil {
		s["AUTOSHARES_MAILBOX_URL"] = mp.APIURL
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}

// writeSettingsFile writes settingsJSON to path and says how to use it.
func writeSettingsFile(path string, r *refprovider.Running, mp *states.Server, appKeyFrom string, stdout io.Writer) error {
	if err := os.WriteFile(path, settingsJSON(r, mp, appKeyFrom), 0o644); err != nil {
		return fmt.Errorf("writing the settings file: %w", err)
	}
	fmt.Fprintf(stdout, "# The same settings as a file, for the release binary: AUTOSHARES_CONFIG=%s autoshares-conformance\n", path)
	if !strings.HasPrefix(appKeyFrom, "the documented sandbox default") {
		fmt.Fprintln(stdout, "# (the app key is not in it: set AUTOSHARES_APP_KEY in the environment)")
	}
	return nil
}
