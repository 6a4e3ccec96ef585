package selftest

import (
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/refprovider"
)

// A deployment whose code mail is HTML only, without the documented "Confirmation code"
// phrase: the suite still finds the code (the mail's one 6-digit number, or the pattern
// AUTOSHARES_CODE_PATTERN gives), and never takes the reset notification for a code mail.
func TestCodeMailsOfAnotherTemplate(t *testing.T) {
	for name, pattern := range map[string]string{
		"one-6-digit-number": "",
		"pattern":            `new password:\s*(\d{6})`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, key := startProvider(t, refprovider.Options{TestMode: true, HTMLMail: true})
			env := targetEnv(p, key)
			if pattern != "" {
				env["AUTOSHARES_CODE_PATTERN"] = pattern
			}
			o := runSuite(t, env, "-ginkgo.label-filter=mail && !slow")
			if o.exitErr != nil || len(o.failed) > 0 {
				t.Fatalf("want a pass; exit %v, failed %q\n%s", o.exitErr, o.failed, o.output)
			}
			expectPassed(t, o, cataloguepkg.Step1CodeMailed, cataloguepkg.SecurityResetRefusedRequestMailsNothing, cataloguepkg.SecurityResetNotificationMailed,
				cataloguepkg.SecurityMailNoSecrets, cataloguepkg.SecurityResetMailFloodLimited)
		})
	}
}
