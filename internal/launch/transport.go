package launch

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
)

// describeTransport says how the run reaches the target: the proxy the environment picks
// for the base URL (named, never its credentials), TLS settings, the rate settings. The
// protocol is known only once the target answered: the end-of-run summary names it.
func describeTransport(cfg config.Config) string {
	var b strings.Builder
	if !cfg.Embedded() {
		fmt.Fprintf(&b, "Proxy: %s\n", proxyFor(cfg.BaseURL))
	}
	t := cfg.Transport
	var tlsParts []string
	if t.CABundle != "" {
		tlsParts = append(tlsParts, "extra CAs from AUTOSHARES_CA_BUNDLE")
	}
	if t.ClientCert != "" {
		tlsParts = append(tlsParts, "client certificate AUTOSHARES_CLIENT_CERT (mutual TLS)")
	}
	if len(tlsParts) > 0 {
		fmt.Fprintf(&b, "TLS: %s\n", strings.Join(tlsParts, ", "))
	}
	if t.AllowCleartext {
		b.WriteString("Cleartext: allowed to hosts that are not loopback (AUTOSHARES_ALLOW_CLEARTEXT=true)\n")
	}
	b.WriteString(probeProtocol(cfg))
	rps := "no ceiling (AUTOSHARES_MAX_RPS)"
	if t.MaxRPS > 0 {
		rps = fmt.Sprintf("at most %g requests a second, all processes together (AUTOSHARES_MAX_RPS)", t.MaxRPS)
	}
	fmt.Fprintf(&b, "Connections: kept alive and reused; %s; rate limits waited out up to %s each, %s per process (AUTOSHARES_RATE_LIMIT_MAX_WAIT, AUTOSHARES_RATE_LIMIT_BUDGET); the protocol in use is in the summary at the end too\n",
		rps, t.RateLimitMaxWait, t.RateLimitBudget)
	return b.String()
}

// proxyFor names the proxy net/http takes from the environment for raw, and the variable it
// comes from.
func proxyFor(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "none"
	}
	p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
	if err != nil {
		return fmt.Sprintf("the environment's proxy setting is unusable: %v", err)
	}
	if p == nil {
		if proxyVar(u.Scheme) != "" {
			return "none (NO_PROXY excludes this host)"
		}
		return "none"
	}
	return fmt.Sprintf("%s (from %s)", client.ProxyName(p), proxyVar(u.Scheme))
}

// proxyVar is the environment variable net/http reads the proxy of scheme from, "" if unset.
func proxyVar(scheme string) string {
	names := []string{"HTTP_PROXY", "http_proxy"}
	if scheme == "https" {
		names = []string{"HTTPS_PROXY", "https_proxy"}
	}
	for _, n := range names {
		if os.Getenv(n) != "" {
			return n
		}
	}
	return ""
}

// probeProtocol says which protocol the run will speak to the base URL. Over https it asks
// the target in a TLS handshake alone (ALPN: HTTP/2 or HTTP/1.1; the TLS version), which
// sends no request and so nothing secret; through a proxy, or if the handshake fails,
// the preflight and the end-of-run summary say it instead.
//
// A configuration without a preflight timeout was not loaded (config validates it
// positive): a test's hand-made one, which gets no probe and no network.
func probeProtocol(cfg config.Config) string {
	if cfg.PreflightTimeout <= 0 {
		return ""
	}
	if cfg.Embedded() {
		return "Protocol: HTTP/1.1 (cleartext, on loopback)\n"
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return ""
	}
	if u.Scheme == "http" {
		return "Protocol: HTTP/1.1 (cleartext)\n"
	}
	if p, _ := http.ProxyFromEnvironment(&http.Request{URL: u}); p != nil {
		return "Protocol: through the proxy; the summary at the end names what the target answered with\n"
	}
	t := cfg.Transport
	conf, err := client.TLSConfig(t.CABundle, t.ClientCert, t.ClientKey)
	if err != nil {
		return fmt.Sprintf("Protocol: not known (%v)\n", err)
	}
	if conf == nil {
		conf = &tls.Config{}
	}
	conf.ServerName, conf.NextProtos = u.Hostname(), []string{"h2", "http/1.1"}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: cfg.PreflightTimeout}, Config: conf}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.PreflightTimeout)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return fmt.Sprintf("Protocol: not known yet: the TLS handshake with %s failed (%v); the preflight will say more\n", u.Host, err)
	}
	defer conn.Close()
	st := conn.(*tls.Conn).ConnectionState()
	proto := "HTTP/1.1"
	if st.NegotiatedProtocol == "h2" {
		proto = "HTTP/2"
	}
	return fmt.Sprintf("Protocol: %s over %s\n", proto, tls.VersionName(st.Version))
}
