package selftest

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/refprovider"
)

// Ginkgo's progress report of a hung spec (where it waits, its output so far) is printed
// and kept in the reports by Ginkgo itself: it carries no secret. A target that hangs on
// step 4 after the spec got its token and password makes one.
func TestAProgressReportCarriesNoSecret(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	w := &wire{secrets: map[string]bool{}}
	w.add(key)
	u, _ := url.Parse(p.BaseURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		w.addJSON(body, "Password", "Token", "Code", "SecretQuestionAnswer")
		return err
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		w.addJSON(body, secretFields...)
		w.add(r.Header.Get("Password"))
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, client.PathUpdatePassword) {
			<-r.Context().Done() // hang until the suite gives up
			return
		}
		rp.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = srv.URL + refprovider.APIPrefix
	env["AUTOSHARES_STATE_URL"] = srv.URL + refprovider.StatePath
	env["AUTOSHARES_SPEC_TIMEOUT"] = "6s"
	env["AUTOSHARES_REQUEST_TIMEOUT"] = "60s"
	o := runSuite(t, env, "-ginkgo.label-filter=step4.mismatch.rejected", "-ginkgo.poll-progress-after=1s", "-ginkgo.poll-progress-interval=1s")
	if o.exitErr == nil || !strings.Contains(o.output, "Spec Goroutine") {
		t.Fatalf("want a hung spec with a progress report:\n%s", o.output)
	}
	secrets := w.list()
	if len(secrets) < 3 {
		t.Fatalf("only %d secrets crossed the wire", len(secrets))
	}
	texts := map[string]string{"console output": o.output}
	filepath.WalkDir(o.reports, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			texts[path] = string(b)
		}
		return nil
	})
	for where, text := range texts {
		for _, s := range secrets {
			if i := indexOfSecret(text, s); i >= 0 {
				t.Errorf("%s holds a secret (%d characters): …%s###%s…", where, len(s), text[max(0, i-60):i], text[i+len(s):min(len(text), i+len(s)+40)])
			}
		}
	}
}
