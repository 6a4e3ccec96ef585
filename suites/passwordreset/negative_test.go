package passwordreset

// Helpers of the negative and security specs (docs/NEGATIVE.md): requests the documented
// ones are not, and the judgements that go with them.

import (
	"encoding/json"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/suite"
)

// anyFailure pins nothing: a 4xx in the error envelope with at least one message. The
// documentation names no error case for these requests.
const anyFailure config.ErrorCase = ""

// randomGUID is a well-formed token no target issued: a version 4 GUID from crypto/rand.
func randomGUID() string {
	h := suite.RandomSecret("")
	return fmt.Sprintf("%s-%s-4%s-8%s-%s", h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])
}

// rawBody is a request with a body sent exactly as given (no schema: these bodies are
// wrong on purpose). Secrets inside must already be known to suite.Secrets.
func rawBody(method, path string, body []byte, contentType string) client.Request {
	return client.Request{Method: method, Path: path, RawBody: body, ContentType: contentType}
}

// jsonOf marshals a body that may break the schemas (the suite's own literals).
func jsonOf(v any) []byte {
	GinkgoHelper()
	b, err := json.Marshal(v)
	if err != nil {
		Fail("encoding a request body: " + err.Error())
	}
	return b
}

// step3Path and step3Body are step 3 on the variant the target serves.
func step3Path() string { return resetCode("000000").Path }

func step3Body(code any) map[string]any {
	b := map[string]any{"Code": code}
	if World.Cfg.Flow.Step3Path == client.Step3ETNA {
		b["Identifier"] = "ResetPassword"
	}
	return b
}

func step4Body(token, password, confirmation any) map[string]any {
	return map[string]any{"Token": token, "Password": password, "PasswordConfirmation": confirmation}
}

// expectRejected: a step 4 that must fail, in the error envelope, changing nothing.
func expectRejected(ex *client.Exchange, check string) {
	GinkgoHelper()
	ExpectFailure(ex, check, updatePasswordResponseSchema, anyFailure)
}

// expectRefused: a malformed request is the client's fault: a 4xx with a JSON error.
func expectRefused(ex *client.Exchange, check, what string) {
	GinkgoHelper()
	Conclude(World.Rules.Refused(VerdictOn(check, ex), what))
}

// expectNoServerError: a request the API may refuse or process, never with a 5xx.
func expectNoServerError(ex *client.Exchange, check, what string) {
	GinkgoHelper()
	Conclude(World.Rules.NotServerError(VerdictOn(check, ex), what))
}

// succeeded reports whether an exchange was a 2xx.
func succeeded(ex *client.Exchange) bool { return ex.Status/100 == 2 }

// passwordOfLength is a fresh secret password of n characters (n >= 1), mixed classes
// first so a policy refuses it for its length alone.
func passwordOfLength(n int) string {
	p := ("Aa1!" + suite.RandomSecret(""))[:min(n, 36)]
	for len(p) < n {
		p += "x"
	}
	World.Secrets.Add(p)
	return p
}

// swapCase changes the letter case of every letter.
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 32
		case 'A' <= r && r <= 'Z':
			return r + 32
		}
		return r
	}, s)
}

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// otherMethods are the methods of methods other than the documented one.
func otherMethods(documented string) []string {
	var out []string
	for _, m := range methods {
		if m != documented {
			out = append(out, m)
		}
	}
	return out
}
