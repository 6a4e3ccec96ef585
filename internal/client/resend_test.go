package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/redact"
)

// Every attempt is in the transcript, masked like the rest: the answers waited out first,
// then the one judged; the exchange says it was resent.
func TestTheTranscriptShowsEveryAttempt(t *testing.T) {
	const secret = "s3cret-in-a-gateway-body"
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"Message":"busy","Echo":"` + secret + `"}`))
			return
		}
		w.Write([]byte(`{"IsSucceed":true}`))
	}))
	defer srv.Close()
	pool, err := New(Options{MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{BaseURL: srv.URL, AppKey: "k", HTTP: pool.Client(time.Second)}
	ex := c.Do(context.Background(), ResetPassword("someone", ""))
	if ex.Err != nil || ex.Status != 200 || !ex.Resent() || len(ex.Earlier) != 1 || ex.Throttled() {
		t.Fatalf("status %d, err %v, resent %v", ex.Status, ex.Err, ex.Resent())
	}
	tr := ex.Transcript(redact.New(secret))
	for _, want := range []string{"< 503 Service Unavailable", "[attempt 1 of 2: not processed, sent again after", "< Retry-After: 0", `"Message":"busy"`, "< 200 OK", "[attempt 2 of 2]"} {
		if !strings.Contains(tr, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, tr)
		}
	}
	if strings.Contains(tr, secret) {
		t.Errorf("an earlier attempt's body is not masked:\n%s", tr)
	}
	if strings.Index(tr, "503") > strings.Index(tr, "200 OK") {
		t.Errorf("the attempts are out of order:\n%s", tr)
	}
}
