package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
)

// Every exchange of every spec is judged for internals in its error body (judgeExchange);
// this spec makes sure each endpoint is asked something it must refuse, malformed bodies
// included, so the check never depends on which other specs ran.
var _ = Describe("Security: errors reveal no internals (ASVS 16.5.1)", Label("security", "errors"), func() {

	It("refuses malformed and wrong requests on every endpoint without a stack trace, exception, source path or SQL",
		Checks(CheckNoInternals), func(ctx SpecContext) {
			unknown := Given(ctx, states.NoSuchUser)
			put, post := http.MethodPut, http.MethodPost
			reqs := []client.Request{
				rawBody(post, client.PathResetPassword, []byte(`{"User": `), ""),
				rawBody(post, client.PathResetPassword, []byte(`{"User": ["a", 1]}`), ""),
				rawBody(post, step3Path(), []byte(`not json`), ""),
				rawBody(post, step3Path(), jsonOf(step3Body(map[string]any{"x": 1})), ""),
				rawBody(put, client.PathUpdatePassword, []byte(`{"Token": 1e999}`), ""),
				rawBody(put, client.PathUpdatePassword, jsonOf(step4Body(nil, 12, false)), ""),
				{Method: http.MethodGet, Path: client.PathSecretQuestion},
				client.SecretQuestion(unknown["User"]),
				{Method: post, Path: client.PathLogin},
			}
			// send judges each error body (judgeExchange); a request the target processed
			// instead is another check's concern.
			SendAll(ctx, reqs)
		})
})
