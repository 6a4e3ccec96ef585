package config

import (
	"os"
	"strings"
)

// Defaults is the configuration with every setting at its default: what stands in, while
// Ginkgo builds the spec tree, for a configuration that did not load.
func Defaults() Config {
	c, err := load(func(string) string { return "" }, func(string) ([]byte, error) { return nil, os.ErrNotExist })
	if err != nil {
		panic("config: the defaults do not load: " + err.Error())
	}
	return c
}

// ReportDirOf is where the reports go when the configuration did not load: the
// AUTOSHARES_REPORT_DIR given, else the default. Only this package reads AUTOSHARES_*
// variables.
func ReportDirOf(getenv func(string) string) string {
	if d := strings.TrimSpace(getenv("AUTOSHARES_REPORT_DIR")); d != "" {
		return d
	}
	for _, s := range settings {
		if s.Env == "AUTOSHARES_REPORT_DIR" {
			return s.Default
		}
	}
	return "reports"
}
