package catalogue_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
)

// ids_gen.go is what the catalogue generates: `make checks-doc` after a change.
func TestGoIDsAreCurrent(t *testing.T) {
	want, err := catalogue.GoIDs(catalogue.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(catalogue.IDsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/catalogue/" + catalogue.IDsFile + " is stale: run make checks-doc and commit it")
	}
	if !bytes.HasPrefix(got, []byte("// Code generated ")) || !bytes.Contains(got, []byte("DO NOT EDIT.\n")) {
		t.Error("the generated file lacks the standard generated-code line")
	}
}

func TestGoNames(t *testing.T) {
	for id, want := range map[string]string{
		"step4.mismatch.rejected":          "Step4MismatchRejected",
		"api.no-redirect":                  "APINoRedirect",
		"body.text-plain.not-server-error": "BodyTextPlainNotServerError",
		"finding.secret-question":          "FindingSecretQuestion",
	} {
		if got := catalogue.GoName(id); got != want {
			t.Errorf("GoName(%q) = %s, want %s", id, got, want)
		}
	}
	if catalogue.Step4MismatchRejected != "step4.mismatch.rejected" {
		t.Error("the generated constant does not hold its ID")
	}
}

func TestGoIDsRefusesTwoIDsWithOneName(t *testing.T) {
	c, err := catalogue.Parse([]byte(`{"checks": [
		{"id": "a.one-two", "statement": "s", "kind": "baseline", "source": {"document": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"},
		{"id": "a.one.two", "statement": "s", "kind": "baseline", "source": {"document": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"}
	], "faults_not_checked": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalogue.GoIDs(c); err == nil || !strings.Contains(err.Error(), "same Go name") {
		t.Errorf("GoIDs = %v, want a same-name error", err)
	}
}
