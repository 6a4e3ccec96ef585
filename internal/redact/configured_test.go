package redact

import (
	"strings"
	"testing"
)

// Every secret of the run is masked by value whatever its length, configured or learned (a
// 4-digit code, a 5-character password); a short one only where it stands alone, so that
// it does not shred the words and numbers around it.
func TestASecretIsMaskedWhateverItsLength(t *testing.T) {
	r := New()
	r.AddConfigured("k3y", "", "7")
	r.Add("ok", "4821", "Pw!9x")
	got := r.String("key=k3y code 7 in 17, ok in token; code 4821 at 14821 and 48210; pw Pw!9x, Pw!9xy")
	want := "key=" + Mask + " code " + Mask + " in 17, " + Mask + " in token; code " + Mask + " at 14821 and 48210; pw " + Mask + ", Pw!9xy"
	if got != want {
		t.Errorf("String =\n%q\nwant\n%q", got, want)
	}
	// The canary: a 4-digit code in a JSON body, in a URL's query, in a sentence.
	r = New()
	r.Add("9157")
	for _, in := range []string{`{"Code":"9157"}`, `GET /check?n=9157&x=1`, `the code 9157 was refused`, `Code: 9157.`} {
		if out := r.String(in); strings.Contains(out, "9157") {
			t.Errorf("%s: leaked as %s", in, out)
		}
	}
}
