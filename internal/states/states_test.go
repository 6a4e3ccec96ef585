package states

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/redact"
)

func client(t *testing.T, handler http.HandlerFunc) (*Client, *redact.Redactor) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	set, err := catalogue.DefaultSchemas()
	if err != nil {
		t.Fatal(err)
	}
	contract, err := LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	red := redact.New()
	return &Client{URL: srv.URL, HTTP: srv.Client(), Schemas: set, Contract: contract, Redactor: red}, red
}

func TestContractHoldsEveryStateOfTheSuite(t *testing.T) {
	c, err := LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{ValidToken, ExpiredToken, NoQuestion, WithQuestion, PendingCode, ExpiredCode, NoSuchUser, NoSuchCode} {
		if _, ok := c[s]; !ok {
			t.Errorf("fixtures/provider-states.json lacks %q", s)
		}
	}
}

func TestSetupSpeaksThePactProtocolAndChecksTheKeys(t *testing.T) {
	var got map[string]any
	c, red := client(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &got)
		io.WriteString(w, `{"User": "u1", "Email": "u1@x.test", "Password": "pw-123456", "Token": "tok-123456", "Extra": "fine"}`)
	})
	v, err := c.Setup(context.Background(), ValidToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got["action"] != "setup" || got["state"] != ValidToken || got["params"] == nil {
		t.Fatalf("request %v", got)
	}
	if v["Token"] != "tok-123456" {
		t.Fatalf("values %v", v)
	}
	if s := red.String("pw-123456 tok-123456 u1@x.test"); strings.Contains(s, "pw-") || strings.Contains(s, "tok-") || !strings.Contains(s, "u1@x.test") {
		t.Fatalf("secrets not registered, or non-secrets masked: %s", s)
	}
}

func TestSetupErrorsSayWhatIsWrong(t *testing.T) {
	cases := []struct {
		name, state string
		status      int
		body, want  string
	}{
		{"missing keys", ValidToken, 200, `{"User": "u1", "Email": "e"}`, "returned no Password, Token"},
		{"not strings", ValidToken, 200, `{"User": 1}`, "provider-state.response.schema.json"},
		{"refused", ValidToken, 400, `{"error": "unknown provider state"}`, "answered 400"},
		{"unknown to the contract", "a trader on the moon", 200, `{}`, "not in fixtures/provider-states.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			_, err := c.Setup(context.Background(), tc.state, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
