package config

import (
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
)

func TestMistakes(t *testing.T) {
	known := KnownLabels(catalogue.MustDefault())
	for filter, want := range map[string]string{
		"step4":                           "",
		"step4 && !slow":                  "",
		"slow || !slow":                   "",
		"flow":                            "",
		"step4.mismatch.rejected || mail": "",
		"/step[0-9]/":                     "",
		"stpe4":                           `no spec has the label "stpe4"; did you mean "step4"?`,
		"step4 && (mial || slow)":         `no spec has the label "mial"; did you mean "mail"?`,
		"step4 &&":                        "does not parse",
	} {
		got := strings.Join(Mistakes(filter, known), "\n")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("Mistakes(%q) = %q, want %q", filter, got, want)
		}
	}
}
