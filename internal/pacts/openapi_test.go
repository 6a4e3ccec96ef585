package pacts

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/schemas"
)

func committed(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", File))
	if err != nil {
		t.Fatalf("reading the committed document: %v (run make openapi)", err)
	}
	return data
}

func TestCommittedDocumentIsCurrent(t *testing.T) {
	want, err := Build(schemas.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed(t), want) {
		t.Fatalf("%s is stale: it is not what schemas/ and internal/pacts build now. Run make openapi and commit it.", File)
	}
}

// TestCommittedDocumentIsValid reads the document with libopenapi, validates it against the
// OpenAPI 3.1 specification's schema, and builds the model (which resolves every $ref).
func TestCommittedDocumentIsValid(t *testing.T) {
	doc, err := libopenapi.NewDocument(committed(t))
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Errorf("version = %q, want 3.1.0", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("building the validator: %v", errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		for _, p := range problems {
			t.Errorf("%s: %s", p.Message, p.Reason)
			for _, s := range p.SchemaValidationErrors {
				t.Errorf("  at %s: %s", s.KeywordLocation, s.Reason)
			}
		}
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("building the model (unresolved references?): %v", err)
	}
	var ops []string
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			ops = append(ops, strings.ToUpper(method)+" "+path)
			if op.Security == nil && model.Model.Security == nil {
				t.Errorf("%s %s does not require Et-App-Key", method, path)
			}
		}
	}
	slices.Sort(ops)
	if !slices.Equal(ops, Operations()) {
		t.Errorf("operations = %q, want %q", ops, Operations())
	}
}

// The endpoint table names the paths the suite calls.
func TestEndpointsAreTheSuitesPaths(t *testing.T) {
	want := []string{client.PathResetPassword, client.PathSecretQuestion, client.PathResetCode,
		client.PathIdentifierResetCode, client.PathUpdatePassword, client.PathLogin}
	var got []string
	for _, e := range Endpoints {
		got = append(got, e.Path)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("paths = %q, want the suite's %q", got, want)
	}
}

// Every reference points into the document: none is left to a schema file.
func TestReferencesPointIntoTheDocument(t *testing.T) {
	var doc any
	if err := json.Unmarshal(committed(t), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "$ref" && !strings.HasPrefix(s, "#/components/schemas/") {
					t.Errorf("$ref %q does not point into the document", s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
}
