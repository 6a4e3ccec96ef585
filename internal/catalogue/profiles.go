package catalogue

import "slices"

// Profiles group the checks for a sign-off, the way conformance programmes do (Gateway
// API's core and extended): a deployment can be conformant to one profile and not to
// another, and a release can be signed off per profile.
//
// The security profiles are the OWASP ASVS 5.0.0 levels. A security check says its level
// in the catalogue ("profile"): the lowest level among the ASVS requirements it enforces,
// or, for a check no ASVS requirement covers, the level it is held to and why
// ("level_reason"). Levels are cumulative: a level holds only where every lower one holds
// (SecurityLevelsBelow).
const (
	ProfileCore       = "core"        // what the documentation states (kinds documented, configurable)
	ProfileBaseline   = "baseline"    // what every client relies on (kind baseline)
	ProfileSecurityL1 = "security-l1" // security checks of ASVS level 1
	ProfileSecurityL2 = "security-l2" // security checks of ASVS level 2
	ProfileSecurityL3 = "security-l3" // security checks of ASVS level 3
)

// Profiles lists every profile, in report order (security levels lowest first).
var Profiles = []string{ProfileCore, ProfileBaseline, ProfileSecurityL1, ProfileSecurityL2, ProfileSecurityL3}

// SecurityProfiles are the ASVS levels, lowest first: SecurityProfiles[n-1] is level n.
var SecurityProfiles = []string{ProfileSecurityL1, ProfileSecurityL2, ProfileSecurityL3}

// SecurityProfile is the profile of ASVS level n (1-3), "" for any other n.
func SecurityProfile(level int) string {
	if level < 1 || level > len(SecurityProfiles) {
		return ""
	}
	return SecurityProfiles[level-1]
}

// SecurityLevelsBelow lists the security profiles below profile, lowest first: a security
// profile is conformant only when each of them is too, as an ASVS level includes every
// requirement of the levels below it. Empty for a level 1 or a non-security profile.
func SecurityLevelsBelow(profile string) []string {
	i := slices.Index(SecurityProfiles, profile)
	if i < 0 {
		return nil
	}
	return slices.Clone(SecurityProfiles[:i])
}

// ProfileOf is the profile a check belongs to: its explicit "profile", else the one its
// kind gives. The catalogue gives every security check its level explicitly (Parse
// refuses one without); the fallback to level 1 is for checks built in code.
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
