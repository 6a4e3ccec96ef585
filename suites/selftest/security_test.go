package selftest

import (
	"slices"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
)

// Many deployments lock an account after a few failed logins (ASVS 6.3.1 allows it). No
// spec makes more than 3 failed logins for one trader, so against a provider that locks
// after 4 the whole default run still passes: a lock is never taken for a verdict. The
// provider counts every failed login of an account, successes in between too, answers a
// lock with 423 (which no login expectation accepts) and counts the locks: a spec that
// makes a 4th failed login for one trader fails this test even where it accepts any
// refusal. The specs that lock a trader of their own on purpose (label locks-accounts)
// are left out.
func TestSuitePassesAgainstAProviderThatLocksAccounts(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, LoginLockout: 4, LoginLockoutNoReset: true})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!locks-accounts")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.skipped) > 0 {
		t.Fatalf("want a clean pass against a provider that locks an account after 4 failed logins; exit %v, failed %q, skipped %q\n%s", o.exitErr, o.failed, o.skipped, o.output)
	}
	if n := p.Server.LoginLockouts(); n > 0 {
		t.Errorf("the run locked %d account(s): some spec made more than 3 failed logins for one trader", n)
	}
}

// LABELS=<requirement ID> runs exactly the specs that declare a check of that requirement.
func TestARequirementIDSelectsItsSpecs(t *testing.T) {
	t.Parallel()
	const req = "asvs-6.2.8"
	o := runSuite(t, nil, "-ginkgo.dry-run", "-ginkgo.label-filter="+req)
	ran := 0
	for _, s := range o.specs {
		declares := slices.ContainsFunc(s.Checks, func(id string) bool {
			c, _ := catalogue.Get(id)
			return slices.Contains(c.Labels, req)
		})
		if declares != (s.State == types.SpecStatePassed) {
			t.Errorf("spec %q (checks %v): state %s, declares a check of %s: %v", s.Text, s.Checks, s.State, req, declares)
		}
		if declares {
			ran++
		}
	}
	if ran == 0 {
		t.Errorf("LABELS=%s ran no spec", req)
	}
}
