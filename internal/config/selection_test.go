package config

import (
	"github.com/autoshares/conformance/internal/catalogue"
	"strings"
	"testing"
)

func TestFilterLeavesSlowOutUnlessAsked(t *testing.T) {
	for user, want := range map[string]string{
		"":                   "!slow",
		"step4":              "(step4) && !slow",
		"step4 || login":     "(step4 || login) && !slow",
		"slow":               "slow",
		"step4 && slow":      "step4 && slow",
		"!slow":              "!slow",
		"slowness":           "(slowness) && !slow",
		"expired-token.slow": "(expired-token.slow) && !slow",
	} {
		if got := Filter(user); got != want {
			t.Errorf("Filter(%q) = %q, want %q", user, got, want)
		}
		if got := User(Filter(user)); got != strings.TrimSpace(user) && !(user == "!slow" && got == "") {
			t.Errorf("User(Filter(%q)) = %q", user, got)
		}
	}
	if !IsDefault(Filter("")) || IsDefault(Filter("step4")) {
		t.Error("IsDefault")
	}
}

func TestNothingSelectedNamesTheNearestLabel(t *testing.T) {
	known := []string{"step4", "step3", "login", catalogue.Step4MismatchRejected, "app-key"}
	isCheck := func(l string) bool { return strings.Contains(l, ".") }
	msg := NothingSelected("stpe4 && apkey", known, isCheck)
	for _, want := range []string{`LABELS="stpe4 && apkey" selects no spec`, `"stpe4"; did you mean "step4"?`, `"apkey"; did you mean "app-key"?`, "The area labels: app-key, login, step3, step4; and 1 check IDs"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(NothingSelected("nosuchlabel", known, isCheck), "did you mean") {
		t.Error("a label far from every known one must not get a suggestion")
	}
}
