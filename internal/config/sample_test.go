package config

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// The committed sample is what the settings table generates: every setting, so a new one
// cannot be left out (run make sample-config).
func TestSampleHasEverySetting(t *testing.T) {
	committed, err := os.ReadFile("../../" + SampleFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, Sample()) {
		t.Fatalf("%s is stale: it is not what the settings table generates. Run make sample-config and commit it.", SampleFile)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(committed, &keys); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range Settings() {
		if s.Env == RunDirEnv {
			continue
		}
		n++
		if _, ok := keys[s.Env]; !ok {
			t.Errorf("the sample lacks %s", s.Env)
		}
	}
	if len(keys) != n {
		t.Errorf("the sample has %d keys, the settings (but %s) are %d", len(keys), RunDirEnv, n)
	}
}
