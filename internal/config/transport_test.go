package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate and its key as PEM files in dir.
func selfSigned(t *testing.T, dir, name string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return cert, key
}

func TestCleartextToARemoteHostIsRefused(t *testing.T) {
	_, err := load(env(map[string]string{
		"AUTOSHARES_BASE_URL":    "http://user:pw-secret@192.0.2.1/api",
		"AUTOSHARES_APP_KEY":     "k",
		"AUTOSHARES_STATE_URL":   "http://staging.example.com/states",
		"AUTOSHARES_MAILBOX_URL": "http://127.0.0.1:8025",
	}), noFile)
	if err == nil {
		t.Fatal("http:// to a remote host was accepted")
	}
	msg := err.Error()
	for _, want := range []string{"AUTOSHARES_BASE_URL: http://192.0.2.1/api is http:// to 192.0.2.1", "AUTOSHARES_STATE_URL: http://staging.example.com/states",
		"AUTOSHARES_ALLOW_CLEARTEXT=true", "cleartext", "app key"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "MAILBOX") || strings.Contains(msg, "pw-secret") {
		t.Errorf("loopback refused, or a credential echoed:\n%s", msg)
	}
	_, err = load(env(map[string]string{"AUTOSHARES_BASE_URL": "http://192.0.2.1/api", "AUTOSHARES_APP_KEY": "k", "AUTOSHARES_ALLOW_CLEARTEXT": "true"}), noFile)
	if err != nil {
		t.Errorf("AUTOSHARES_ALLOW_CLEARTEXT=true: %v", err)
	}
	for _, loop := range []string{"http://localhost:8080/api", "http://127.0.0.2/api", "http://[::1]:80/api", "https://192.0.2.1/api"} {
		if _, err := load(env(map[string]string{"AUTOSHARES_BASE_URL": loop, "AUTOSHARES_APP_KEY": "k"}), noFile); err != nil {
			t.Errorf("%s: %v", loop, err)
		}
	}
	// A *.localhost name is not loopback: Go sends it through HTTP_PROXY and the release
	// binary resolves it by DNS.
	for _, remote := range []string{"http://api.localhost/api", "http://localhost.example.com/api", "http://127.0.0.1.nip.example/api"} {
		if _, err := load(env(map[string]string{"AUTOSHARES_BASE_URL": remote, "AUTOSHARES_APP_KEY": "k"}), noFile); err == nil || !strings.Contains(err.Error(), "not loopback") {
			t.Errorf("%s: cleartext accepted (%v)", remote, err)
		}
	}
	// A secret in the query is not shown in the message.
	_, err = load(env(map[string]string{"AUTOSHARES_BASE_URL": "http://192.0.2.1/api?apikey=qs-canary-9d2", "AUTOSHARES_APP_KEY": "k"}), noFile)
	if err == nil || strings.Contains(err.Error(), "qs-canary") {
		t.Errorf("cleartext with a query secret: %v", err)
	}
}

func TestTLSFilesAreCheckedAllAtOnce(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir, "client")
	other, otherKey := selfSigned(t, dir, "other")
	_ = other
	notPEM := filepath.Join(dir, "notpem.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	base := map[string]string{RunDirEnv: dir}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}

	c, err := load(env(with(map[string]string{"AUTOSHARES_CA_BUNDLE": "client.crt", "AUTOSHARES_CLIENT_CERT": cert, "AUTOSHARES_CLIENT_KEY": key})), noFile)
	if err != nil {
		t.Fatal(err)
	}
	if c.Transport.CABundle != cert || c.Transport.ClientKey != key {
		t.Errorf("paths %+v, want them absolute from the run directory", c.Transport)
	}

	_, err = load(env(with(map[string]string{"AUTOSHARES_CA_BUNDLE": "notpem.txt", "AUTOSHARES_CLIENT_CERT": "missing.crt",
		"AUTOSHARES_REQUEST_TIMEOUT": "soon"})), noFile)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	for _, want := range []string{"AUTOSHARES_CA_BUNDLE: " + `"` + notPEM + `" holds no PEM certificate`, "AUTOSHARES_CLIENT_CERT: cannot read", "no such file",
		"AUTOSHARES_CLIENT_CERT and AUTOSHARES_CLIENT_KEY go together", "AUTOSHARES_REQUEST_TIMEOUT"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}

	_, err = load(env(with(map[string]string{"AUTOSHARES_CLIENT_CERT": cert, "AUTOSHARES_CLIENT_KEY": otherKey})), noFile)
	if err == nil || !strings.Contains(err.Error(), "not a usable PEM certificate and matching private key") {
		t.Errorf("a key that is not the certificate's: %v", err)
	}
}

func TestRateSettings(t *testing.T) {
	c, err := load(env(nil), noFile)
	if err != nil {
		t.Fatal(err)
	}
	if tr := c.Transport; tr.RateLimitMaxWait != 10*time.Second || tr.RateLimitBudget != time.Minute || tr.MaxRPS != 0 || tr.AllowCleartext {
		t.Errorf("defaults %+v", tr)
	}
	c, err = load(env(map[string]string{"AUTOSHARES_MAX_RPS": "2.5", "AUTOSHARES_RATE_LIMIT_BUDGET": "0s"}), noFile)
	if err != nil || c.Transport.MaxRPS != 2.5 || c.Transport.RateLimitBudget != 0 {
		t.Errorf("%+v, %v", c.Transport, err)
	}
	_, err = load(env(map[string]string{"AUTOSHARES_MAX_RPS": "-1", "AUTOSHARES_RATE_LIMIT_BUDGET": "-1s", "AUTOSHARES_RATE_LIMIT_MAX_WAIT": "0s"}), noFile)
	for _, want := range []string{"AUTOSHARES_MAX_RPS", "AUTOSHARES_RATE_LIMIT_BUDGET", "AUTOSHARES_RATE_LIMIT_MAX_WAIT"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("no problem about %s: %v", want, err)
		}
	}
}
