package suite

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
)

func TestCodePatterns(t *testing.T) {
	for _, tc := range []struct {
		codes []string
		want  string // "" = no problem
	}{
		{[]string{"482913", "017365", "930184", "551208", "276649", "804417"}, ""},
		// A counter, in any order (issued together) and with other clients' codes between.
		{[]string{"100000", "100001", "100002", "100003", "100004", "100005"}, "clustered"},
		{[]string{"100004", "100001", "100005", "100000", "100003", "100002"}, "clustered"},
		{[]string{"100000", "100003", "100004", "100010", "100011", "100015"}, "clustered"},
		{[]string{"999998", "000001", "999999", "000000"}, "clustered"}, // wrapping round
		{[]string{"100000", "101000", "102000", "103000", "104000", "106000"}, "constant step of 1000"},
		// A constant step, however large, in any order, with a gap or two.
		{[]string{"500000", "499990", "499980", "499970"}, "clustered"},
		{[]string{"100000", "700000", "300000", "500000"}, "constant step of 200000"},
		{[]string{"123457", "246914", "370371", "617285", "740742", "864199"}, "constant step of 123457"},
		{[]string{"123456", "123456", "123456", "123456"}, "repeat another one"},
		{[]string{"111111", "222222", "111111", "222222"}, "repeat another one"},
		{[]string{"482913", "482913", "930184", "551208", "276649", "804417"}, ""}, // one repeat: chance
		{[]string{"ab12cd", "ab12cd", "zz", "zz"}, "repeat another one"},
		{[]string{"ab12cd", "xy34ef", "qq", "rr"}, ""},
		// 4-digit codes: the window is a thousandth of the code space, ±10 a code.
		{[]string{"4821", "4830", "4825", "4835"}, "clustered"},
		{[]string{"4821", "4900", "4850", "4950"}, ""},
		{[]string{"9998", "0003", "0001", "0009"}, "clustered"},
	} {
		got := strings.Join(CodePatternProblems(tc.codes), "\n")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%v: want %q, got %q", tc.codes, tc.want, got)
		}
		if got != "" && !strings.Contains(got, "predictable") {
			t.Errorf("%v: every pattern says predictable (the catalogue's proof): %q", tc.codes, got)
		}
	}
}

// A million draws of random codes, as few as the setting allows, never show a pattern, for
// 6-digit codes and for 4-digit ones (where a fixed ±1000 window would meet a fifth of all
// steps).
func TestRandomCodesShowNoPattern(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	for _, digits := range []int{6, 4} {
		r := rand.New(rand.NewPCG(1, uint64(digits)))
		modulus := 1
		for range digits {
			modulus *= 10
		}
		codes := make([]string, config.MinCodeSamples)
		for range n {
			for i := range codes {
				codes[i] = fmt.Sprintf("%0*d", digits, r.IntN(modulus))
			}
			if p := CodePatternProblems(codes); len(p) > 0 {
				t.Fatalf("random %d-digit codes %v judged predictable: %v", digits, codes, p)
			}
		}
	}
}

func TestCacheProblems(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	for _, tc := range []struct {
		h    http.Header
		want string
	}{
		{http.Header{}, ""},
		{http.Header{"Cache-Control": {"no-store"}}, ""},
		{http.Header{"Cache-Control": {"private, max-age=600"}}, ""},
		{http.Header{"Cache-Control": {"max-age=0"}}, ""},
		{http.Header{"Cache-Control": {"no-cache"}, "Expires": {"0"}}, ""},
		{http.Header{"Cache-Control": {"public, max-age=3600"}}, "says public"},
		{http.Header{"Cache-Control": {"max-age=3600"}}, "max-age=3600 without private"},
		{http.Header{"Cache-Control": {`S-MaxAge="60"`}}, "s-maxage=60"},
		{http.Header{"Date": {date}, "Expires": {now.Add(time.Hour).Format(http.TimeFormat)}}, "Expires"},
		{http.Header{"Date": {date}, "Expires": {now.Add(-time.Hour).Format(http.TimeFormat)}}, ""},
		{http.Header{"Expires": {now.Add(30 * time.Second).Format(http.TimeFormat)}}, ""}, // within the clock slack
		{http.Header{"Cache-Control": {"no-store"}, "Expires": {now.Add(time.Hour).Format(http.TimeFormat)}}, ""},
		// For a shared cache no-store, private and s-maxage=0 win over public, max-age and Expires.
		{http.Header{"Cache-Control": {"public, no-store"}}, ""},
		{http.Header{"Cache-Control": {"public", "private"}}, ""},
		{http.Header{"Cache-Control": {"public, max-age=600, s-maxage=0"}}, ""},
		{http.Header{"Cache-Control": {"s-maxage=0"}, "Date": {date}, "Expires": {now.Add(time.Hour).Format(http.TimeFormat)}}, ""},
		{http.Header{"Cache-Control": {"public, max-age=0"}}, "says public"},
		{http.Header{"Cache-Control": {"s-maxage=60"}, "Date": {date}, "Expires": {now.Add(time.Hour).Format(http.TimeFormat)}}, "s-maxage=60"},
	} {
		got := strings.Join(CacheProblems(tc.h, now), "\n")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%v: want %q, got %q", tc.h, tc.want, got)
		}
	}
}

func TestInternals(t *testing.T) {
	for _, tc := range []struct {
		body string
		want string
	}{
		{`{"Errors":["Password reset token is invalid."],"ErrorsCode":["ErrorInvalidToken"],"IsSucceed":false}`, ""},
		{`{"Message":"The request is invalid.","ModelState":{"request.Code":["The JSON value could not be converted to System.String. Path: $.Code | LineNumber: 0 | BytePositionInLine: 9."]}}`, ""},
		{`{"Message":"Select a new password from the list"}`, ""},
		{`{"Message":"An error has occurred.","ExceptionType":"System.NullReferenceException","StackTrace":"   at AutoShares.Api.ResetController.Update(UpdateRequest r) in C:\\src\\Api\\ResetController.cs:line 42"}`, "exception type"},
		{`{"Message":"x","StackTrace":"   at AutoShares.Api.ResetController.Update(UpdateRequest r)"}`, ".NET stack frame"},
		{"panic: boom\n\ngoroutine 7 [running]:\nmain.handler()\n\t/app/main.go:42 +0x1d", "Go stack trace"},
		{`{"error":"Traceback (most recent call last):\n  File \"/srv/app.py\", line 3, in <module>"}`, "Python traceback"},
		{`{"error":"java.lang.IllegalStateException: x"}`, "exception type"},
		{`{"error":"SELECT id, hash FROM traders WHERE login = 'x'"}`, "SQL"},
		{`{"error":"at Object.<anonymous> (/opt/api/server.js:10:5)"}`, "JavaScript"},
	} {
		got := strings.Join(InternalsProblems([]byte(tc.body)), "\n")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: want %q, got %q", tc.body, tc.want, got)
		}
	}
	// Only error responses are judged.
	ok := For(catalogue.Check{ID: "security.x", Statement: "x"}, &client.Exchange{Status: 200, ResponseBody: []byte(`{"error":"java.lang.X"}`)})
	if (Rules{}).NoInternals(ok); !ok.OK() {
		t.Errorf("a 200 was judged: %v", ok.Problems)
	}
}

func TestRefusal(t *testing.T) {
	for status, body := range map[int]string{400: `{"IsSucceed":false,"Errors":["Locked"]}`, 429: ``, 403: `{"error":"locked"}`} {
		v := For(catalogue.Check{ID: "security.x", Statement: "x"}, &client.Exchange{Status: status, ResponseBody: []byte(body)})
		if (Rules{}).Refusal(v, "the right answer"); !v.OK() {
			t.Errorf("%d %s: %v", status, body, v.Problems)
		}
	}
	for status, body := range map[int]string{200: `{"IsSucceed":true}`, 400: `{"IsSucceed":true}`, 503: ``} {
		v := For(catalogue.Check{ID: "security.x", Statement: "x"}, &client.Exchange{Status: status, ResponseBody: []byte(body)})
		if (Rules{}).Refusal(v, "the right answer"); v.OK() {
			t.Errorf("%d %s: accepted as a refusal", status, body)
		}
	}
}

func TestRefusalKindIsStatusAndCodes(t *testing.T) {
	wrong := &client.Exchange{Status: 400, ResponseBody: []byte(`{"ErrorsCode":["ErrorIncorrectAnswer"],"IsSucceed":false}`)}
	locked := &client.Exchange{Status: 400, ResponseBody: []byte(`{"ErrorsCode":["ErrorTooManyAttempts"],"IsSucceed":false}`)}
	limited := &client.Exchange{Status: 429, ResponseBody: []byte(`not json`)}
	if RefusalKind(wrong) == RefusalKind(locked) || RefusalKind(wrong) == RefusalKind(limited) {
		t.Errorf("kinds: %q %q %q", RefusalKind(wrong), RefusalKind(locked), RefusalKind(limited))
	}
	again := &client.Exchange{Status: 400, ResponseBody: []byte(`{"IsSucceed":false,"ErrorsCode":["ErrorIncorrectAnswer"],"Errors":["x"]}`)}
	if RefusalKind(wrong) != RefusalKind(again) {
		t.Errorf("the same refusal read as two kinds: %q %q", RefusalKind(wrong), RefusalKind(again))
	}
}

func TestNotLoggedIn(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		ok     bool
	}{
		{401, `{"State":"Failed","Step":"BaseAuthentication","Reason":"Invalid credentials"}`, true},
		{423, `{"State":"Locked"}`, true},
		{403, ``, true},
		{200, `{"State":"Succeeded","Token":"abc"}`, false},
		{401, `{"State":"Failed","Token":"abc"}`, false},
	} {
		v := For(catalogue.Check{ID: catalogue.SecurityPasswordNotTruncated}, &client.Exchange{Status: tc.status, ResponseBody: []byte(tc.body)})
		Rules{}.NotLoggedIn(v, "with a wrong password")
		if v.OK() != tc.ok {
			t.Errorf("%d %s: ok %v, want %v: %v", tc.status, tc.body, v.OK(), tc.ok, v.Problems)
		}
	}
}
