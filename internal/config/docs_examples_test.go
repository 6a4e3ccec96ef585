package config_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/testkit"
)

// The docs are what a new user copies from: every setting they name exists, every check ID
// they name is in the catalogue, and every known-deviations file they show loads. (A doc
// example that exits 2 when copied is how a first run goes wrong.)

// notSettings are AUTOSHARES_ names the docs show on purpose: a misspelling whose
// correction they demonstrate, a prefix they explain.
var notSettings = map[string]string{
	"AUTOSHARES_BASEURL": "the misspelling the settings check corrects",
	"AUTOSHARES_EXPECT_": "the prefix of the per-case expectations",
}

func docFiles(t *testing.T) map[string]string {
	t.Helper()
	root, err := testkit.Root()
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	names = append(names, filepath.Join(root, "README.md"))
	docs := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, n)
		docs[rel] = string(b)
	}
	return docs
}

func TestEverySettingTheDocsNameExists(t *testing.T) {
	known := config.KnownNames()
	for _, c := range config.ErrorCases {
		for _, part := range []string{"STATUS", "MESSAGE", "ERRORS_CODE"} {
			known = append(known, "AUTOSHARES_EXPECT_<CASE>_"+part, "AUTOSHARES_EXPECT_"+string(c)+"_"+part)
		}
	}
	known = append(known, config.InvokedAsEnv, "AUTOSHARES_PRIVATE_NETNS")
	name := regexp.MustCompile(`AUTOSHARES_[A-Z0-9_<>]+`)
	for file, text := range docFiles(t) {
		for _, n := range name.FindAllString(text, -1) {
			if _, ok := notSettings[n]; !ok && !slices.Contains(known, n) {
				t.Errorf("%s names %s, which is no setting", file, n)
			}
		}
	}
}

func TestEveryCheckTheDocsNameExists(t *testing.T) {
	cat := catalogue.MustDefault()
	// A check or finding ID in backticks or JSON quotes: `step4.mismatch.rejected`, "finding.x".
	quoted := regexp.MustCompile("[`\"]((?:step[1-4]|login|api|body|security|finding)\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)*)[`\"]")
	for file, text := range docFiles(t) {
		if file == filepath.Join("docs", "CHECKS.md") {
			continue // generated from the catalogue
		}
		for _, line := range strings.Split(text, "\n") {
			// docs/ASVS.md names the checks it plans, before they exist.
			if strings.Contains(strings.ToLower(line), "planned") {
				continue
			}
			checkLine(t, cat, file, quoted, line)
		}
	}
}

func checkLine(t *testing.T, cat *catalogue.Catalogue, file string, quoted *regexp.Regexp, line string) {
	t.Helper()
	for _, m := range quoted.FindAllStringSubmatch(line, -1) {
		id := m[1]
		if _, ok := cat.Get(id); ok {
			continue
		}
		if _, ok := cat.Finding(id); ok {
			continue
		}
		t.Errorf("%s names %q, which is no check or finding of the catalogue", file, id)
	}
}

// A JSON example holding "deviations" is a known-deviations file a reader copies: it loads.
func TestEveryKnownDeviationsExampleLoads(t *testing.T) {
	cat := catalogue.MustDefault()
	block := regexp.MustCompile("(?s)```json\n(.*?)```")
	found := 0
	for file, text := range docFiles(t) {
		for _, m := range block.FindAllStringSubmatch(text, -1) {
			if !strings.Contains(m[1], `"deviations"`) {
				continue
			}
			found++
			// The day the example's entries are honoured: before any expiry a doc shows.
			if _, err := config.Parse([]byte(m[1]), cat, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Errorf("%s: the known-deviations example does not load: %v\n%s", file, err, m[1])
			}
		}
	}
	if found == 0 {
		t.Error("no known-deviations example found in the docs: the test reads nothing")
	}
}
