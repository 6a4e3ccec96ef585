package redact

import "testing"

// A configured secret is masked by value whatever its length; a secret the run merely saw
// keeps the floor that stops short values from shredding unrelated text.
func TestAConfiguredSecretIsMaskedWhateverItsLength(t *testing.T) {
	r := New()
	r.AddConfigured("k3y", "", "7")
	r.Add("ok")
	got := r.String("key=k3y code 7 in 17, ok")
	if want := "key=" + Mask + " code " + Mask + " in 17, ok"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
