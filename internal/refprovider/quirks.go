package refprovider

import (
	"fmt"
	"slices"
	"strings"
)

// Quirk names. A quirk is not a fault: it makes the provider behave the way the public
// documentation literally shows where that is odd but tolerable, so a test can prove the
// suite tolerates it. Options.Quirks switches them on.
const (
	// QuirkStep1DocumentedBody answers step 1's success with the documentation's own
	// example body, whose IsSucceed is false.
	QuirkStep1DocumentedBody = "step1-documented-body"
)

// step1DocumentedBody is the documented step 1 success body, byte for byte.
const step1DocumentedBody = `{"Errors": [], "IsSucceed": false}`

var quirkDescriptions = map[string]string{
	QuirkStep1DocumentedBody: "step 1 success answers 200 " + step1DocumentedBody + ", the documentation's example, verbatim",
}

// QuirkNames returns every quirk name, sorted.
func QuirkNames() []string {
	names := make([]string, 0, len(quirkDescriptions))
	for n := range quirkDescriptions {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// QuirkDescription returns the one-line description of a quirk, "" if unknown.
func QuirkDescription(name string) string { return quirkDescriptions[name] }

func parseQuirks(names []string) (map[string]bool, error) {
	set := make(map[string]bool, len(names))
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, ok := quirkDescriptions[n]; !ok {
			unknown = append(unknown, fmt.Sprintf("%q", n))
			continue
		}
		set[n] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown quirk %s; known: %s",
			strings.Join(unknown, ", "), strings.Join(QuirkNames(), ", "))
	}
	return set, nil
}
