package refprovider

import (
	_ "embed"
	"strings"
)

// blocklistText is common breached passwords, one a line (ASVS 6.2.4, NIST SP 800-63B-4
// 3.1.1.2: a SHALL).
//
//go:embed blocklist.txt
var blocklistText string

var blocklist = func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(blocklistText) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// isCommonPassword reports whether password is on the blocklist, in any letter case.
func isCommonPassword(password string) bool { return blocklist[strings.ToLower(password)] }
