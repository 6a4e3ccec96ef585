package checks

// Profiles group the checks for a sign-off, the way conformance programmes do (Gateway
// API's core and extended): a deployment can be conformant to one profile and not to
// another, and a release can be signed off per profile.
const (
	ProfileCore       = "core"        // what the documentation states (kinds documented, configurable)
	ProfileBaseline   = "baseline"    // what every client relies on (kind baseline)
	ProfileSecurityL1 = "security-l1" // security checks of ASVS level 1 (the default for kind security)
	ProfileSecurityL2 = "security-l2" // security checks of ASVS level 2 (an explicit "profile" in the catalogue)
)

// Profiles lists every profile, in report order.
var Profiles = []string{ProfileCore, ProfileBaseline, ProfileSecurityL1, ProfileSecurityL2}

// ProfileOf is the profile a check belongs to: its explicit "profile", else the one its
// kind gives. A check added later without a profile gets one by this rule, so every check
// is in exactly one profile.
func ProfileOf(c Check) string {
	if c.Profile != "" {
		return c.Profile
	}
	switch c.Kind {
	case Baseline:
		return ProfileBaseline
	case Security:
		return ProfileSecurityL1
	}
	return ProfileCore
}
