package launch

import (
	"fmt"
	"strings"

	"github.com/autoshares/conformance/internal/config"
)

// Loosened says, before the run, which settings admit what their default refuses
// (config.Setting.Loosens), or "" when none does: a pass under them is a weaker claim.
func Loosened(cfg config.Config) string {
	var names []string
	for _, s := range config.Settings() {
		if v, ok := cfg.Values[s.Env]; ok && s.Loosens(v) {
			names = append(names, fmt.Sprintf("%s=%q (default %q)", s.Env, v, s.Default))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "LOOSENED: these settings admit what their default refuses, so a pass is a weaker claim:\n  " + strings.Join(names, "\n  ") + "\n"
}
