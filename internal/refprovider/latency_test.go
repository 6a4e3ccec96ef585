package refprovider

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The latency option holds every response at least that long (a lower bound only: how
// much longer depends on the machine).
func TestLatencyDelaysEveryResponse(t *testing.T) {
	const latency = 80 * time.Millisecond
	r, err := Start(context.Background(), Options{AppKey: "k-latency", TestMode: true, Latency: latency}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, url := range []string{r.BaseURL + "/token", r.StateURL} {
		start := time.Now()
		resp, err := http.Post(url, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if d := time.Since(start); d < latency {
			t.Errorf("POST %s answered after %v, before the %v latency", url, d, latency)
		}
	}
	if err := (Options{AppKey: "k", Latency: -time.Second}).Validate(); err == nil || !strings.Contains(err.Error(), "Latency") {
		t.Errorf("a negative latency: err = %v", err)
	}
}
