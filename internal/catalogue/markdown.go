package catalogue

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Markdown renders the catalogue as docs/CHECKS.md. describeFault gives a fault switch's
// one-line description (the reference provider's), so the page says what each proof breaks.
func Markdown(c *Catalogue, describeFault func(string) string) []byte {
	var b strings.Builder
	b.WriteString("# Conformance checks\n\n")
	b.WriteString("Generated from `internal/catalogue/catalogue.json` by `make checks-doc`; do not edit by hand\n")
	b.WriteString("(`make test` fails when this file is stale).\n\n")
	b.WriteString("Every check has a stable ID. Each spec declares the checks it applies, and carries each ID as a\n")
	b.WriteString("Ginkgo label, so `make conformance LABELS=<check ID>` runs exactly the specs of that check, and a\n")
	b.WriteString("failure starts with the ID of the check that failed: `[step4.mismatch.rejected] ...`.\n\n")
	b.WriteString("Kinds: **documented** (the documentation states it; strict), **configurable** (the docs are\n")
	b.WriteString("silent on the exact value: the suite asserts what every client relies on and the exact value is a\n")
	b.WriteString("setting), **baseline** (robustness every client relies on), **security** (a published standard).\n")
	b.WriteString("Proofs: the fault switches of the reference provider (`go run ./cmd/refprovider --list-faults`)\n")
	b.WriteString("that the self-test shows making the check fail, with the problem its failure must show.\n\n")

	counts := map[Kind]int{}
	for _, ch := range c.Checks {
		counts[ch.Kind]++
	}
	fmt.Fprintf(&b, "%d checks: ", len(c.Checks))
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	b.WriteString(strings.Join(parts, ", ") + ".\n\n")

	b.WriteString("| ID | Kind | Statement |\n|---|---|---|\n")
	for _, ch := range c.Checks {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", ch.ID, anchorOf(ch.ID), ch.Kind, cell(ch.Statement))
	}
	b.WriteString("\n")
	writeSecurityByASVS(&b, c)

	for _, ch := range c.Checks {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", ch.ID, ch.Statement)
		fmt.Fprintf(&b, "- **Kind:** %s\n", ch.Kind)
		fmt.Fprintf(&b, "- **Profile:** %s\n", ProfileOf(ch))
		if ch.LevelReason != "" {
			fmt.Fprintf(&b, "- **Level, without an ASVS requirement:** %s\n", ch.LevelReason)
		}
		if ch.Source.Document != "" {
			// docs/CHECKS.md sits beside the documents it cites.
			rel := strings.TrimPrefix(ch.Source.Document, "docs/")
			fmt.Fprintf(&b, "- **Source:** [%s, %s](%s#%s): %s\n", ch.Source.Document, ch.Source.Section, rel, ch.Source.Section, ch.Source.Says)
		} else {
			fmt.Fprintf(&b, "- **Source:** %s: %s\n", ch.Source, ch.Source.Says)
		}
		if len(ch.Settings) > 0 {
			fmt.Fprintf(&b, "- **Settings:** `%s`\n", strings.Join(ch.Settings, "`, `"))
		} else {
			b.WriteString("- **Settings:** none (not tunable)\n")
		}
		fmt.Fprintf(&b, "- **Labels:** `%s`, `%s`\n", ch.ID, strings.Join(ch.Labels, "`, `"))
		if len(ch.Proofs) > 0 {
			b.WriteString("- **Proven by:**\n")
			for _, f := range slices.Sorted(maps.Keys(ch.Proofs)) {
				says := ch.Proofs[f]
				if says == "" {
					says = "any problem"
				}
				fmt.Fprintf(&b, "  - `%s` (%s): the failure shows `%s`\n", f, describeFault(f), says)
			}
		}
		if ch.EveryExchange {
			b.WriteString("- **Judged on:** every exchange of every spec; a fault breaking it fails the specs whose exchanges meet it\n")
		}
		if ch.Unproven != "" {
			fmt.Fprintf(&b, "- **No fault switch:** %s\n", ch.Unproven)
		}
		b.WriteString("\n")
	}

	if len(c.FaultsNotChecked) > 0 {
		b.WriteString("## Fault switches no check catches\n\n")
		b.WriteString("The reference provider has these faults, but the suite deliberately asserts nothing about them:\n\n")
		for _, f := range slices.Sorted(maps.Keys(c.FaultsNotChecked)) {
			fmt.Fprintf(&b, "- `%s` (%s): %s\n", f, describeFault(f), c.FaultsNotChecked[f])
		}
	}
	return []byte(b.String())
}

// anchorOf is the anchor GitHub gives a "## <id>" heading: dots are dropped.
func anchorOf(id string) string { return strings.ReplaceAll(id, ".", "") }

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// asvsSection is the section of a label like asvs-6.2.8 ("6.2"), "" for other labels.
func asvsSection(label string) string {
	id, ok := strings.CutPrefix(label, "asvs-")
	if !ok {
		return ""
	}
	parts := strings.Split(id, ".")
	if len(parts) < 2 {
		return id
	}
	return parts[0] + "." + parts[1]
}

// writeSecurityByASVS lists the security checks by the ASVS section of the requirements
// their sources cite (a check citing two sections is under both), then those citing no ASVS
// requirement, then the informational findings.
func writeSecurityByASVS(b *strings.Builder, c *Catalogue) {
	b.WriteString("## Security checks by OWASP ASVS 5.0.0 section\n\n")
	b.WriteString("Each requirement ID is a label: `make conformance LABELS=asvs-6.2.8` runs the checks of ASVS 6.2.8\n")
	b.WriteString("(`nist-800-63b`, `rfc-9111`, `owasp-api3` likewise). Defaults and tuning: [SECURITY.md](SECURITY.md);\n")
	b.WriteString("every requirement of the chapters that apply, tested or not and why: [ASVS.md](ASVS.md).\n\n")
	bySection := map[string][]string{}
	var other []string
	for _, ch := range c.Checks {
		if ch.Kind != Security {
			continue
		}
		found := false
		for _, req := range ASVSRequirements(ch.Source) {
			if sec := asvsSection("asvs-" + req); sec != "" {
				entry := fmt.Sprintf("- ASVS %s: [`%s`](#%s)", req, ch.ID, anchorOf(ch.ID))
				if !slices.Contains(bySection[sec], entry) {
					bySection[sec] = append(bySection[sec], entry)
				}
				found = true
			}
		}
		if !found {
			other = append(other, fmt.Sprintf("- %s: [`%s`](#%s)", ch.Source.Section, ch.ID, anchorOf(ch.ID)))
		}
	}
	secs := slices.Collect(maps.Keys(bySection))
	slices.SortFunc(secs, func(x, y string) int { return compareVersions(x, y) })
	for _, sec := range secs {
		name := "V" + sec
		if std, err := StandardsTable(); err == nil && std.SectionTitle(sec) != "" {
			name += " " + std.SectionTitle(sec)
		}
		fmt.Fprintf(b, "### %s\n\n%s\n\n", name, strings.Join(bySection[sec], "\n"))
	}
	if len(other) > 0 {
		fmt.Fprintf(b, "### Other standards (no ASVS requirement)\n\n%s\n\n", strings.Join(other, "\n"))
	}
	if len(c.Findings) > 0 {
		b.WriteString("### Informational findings (reported, never failed)\n\n")
		for _, f := range c.Findings {
			fmt.Fprintf(b, "- **%s** (`%s`, %s): %s\n", f.Source.Section, f.ID, f.Source.Standard, f.Statement)
		}
		b.WriteString("\n")
	}
}

// compareVersions orders dotted numbers ("6.10" after "6.9").
func compareVersions(x, y string) int {
	xs, ys := strings.Split(x, "."), strings.Split(y, ".")
	for i := 0; i < len(xs) && i < len(ys); i++ {
		var a, b int
		fmt.Sscan(xs[i], &a)
		fmt.Sscan(ys[i], &b)
		if a != b {
			return a - b
		}
	}
	return len(xs) - len(ys)
}
