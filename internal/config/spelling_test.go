package config

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"stpe4", "step4", 2}, {"step4", "step4", 0}, {"kitten", "sitting", 3}} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestNearest(t *testing.T) {
	known := []string{"step4", "step3", "app-key", "AUTOSHARES_BASE_URL"}
	for w, want := range map[string]string{"stpe4": "step4", "apkey": "app-key", "AUTOSHARES_BASEURL": "AUTOSHARES_BASE_URL", "nosuchlabel": "", "step5": "step3"} {
		if got := Nearest(w, known); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", w, got, want)
		}
	}
}
