package config

import (
	"fmt"
	"time"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/deviations"
)

// KnownDeviationsEnv names the known-deviations file (internal/deviations).
const KnownDeviationsEnv = "AUTOSHARES_KNOWN_DEVIATIONS"

// loadDeviations reads the known-deviations file at path (relative to dir), checked against
// the catalogue on today's date: an unknown check or an expired entry is a settings mistake.
func loadDeviations(dir, path string) ([]deviations.Entry, error) {
	if path == "" {
		return nil, nil
	}
	cat, err := checks.Default()
	if err != nil {
		return nil, err
	}
	list, err := deviations.Load(resolve(dir, path), cat, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%q: %v", path, err)
	}
	return list, nil
}

// KnownDeviation returns the entry of the known-deviations file for the check, if any.
func (c Config) KnownDeviation(check string) (deviations.Entry, bool) {
	return deviations.Find(c.KnownDeviations, check)
}
