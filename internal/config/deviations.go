package config

import (
	"fmt"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
)

// KnownDeviationsEnv names the known-deviations file (internal/config).
const KnownDeviationsEnv = "AUTOSHARES_KNOWN_DEVIATIONS"

// loadDeviations reads the known-deviations file at path (relative to dir), checked against
// the catalogue on today's date: an unknown check or an expired entry is a settings mistake.
func loadDeviations(dir, path string) ([]Entry, error) {
	if path == "" {
		return nil, nil
	}
	cat, err := catalogue.Default()
	if err != nil {
		return nil, err
	}
	list, err := LoadDeviations(resolve(dir, path), cat, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%q: %v", path, err)
	}
	return list, nil
}

// KnownDeviation returns the entry of the known-deviations file for the check, if any.
func (c Config) KnownDeviation(check string) (Entry, bool) {
	return Find(c.KnownDeviations, check)
}
