package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/refprovider/testpki"
)

func TestSecurityFlagProblems(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := parseConfig([]string{"--rate-limit", "-1", "--login-lockout", "many", "--tls-ca-out", "ca.pem",
		"--client-ca", notPEM, "--lockout-period", "0s"}, env(nil))
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Fatalf("want a usage error, got %v", err)
	}
	for _, want := range []string{`--rate-limit: "-1" is not a whole number of 0 or more`,
		`--login-lockout: "many" is not a whole number`, "--tls-ca-out is set without --tls",
		"--client-ca is set without --tls", notPEM + " holds no PEM certificate", `--lockout-period: "0s"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("lacks %q:\n%v", want, err)
		}
	}
}

func TestRunTLSWithClientCertificates(t *testing.T) {
	dir := t.TempDir()
	clients, err := testpki.NewCA("clients")
	if err != nil {
		t.Fatal(err)
	}
	clientCA, caOut := filepath.Join(dir, "clients.pem"), filepath.Join(dir, "server-ca.pem")
	if err := os.WriteFile(clientCA, clients.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--tls", "--tls-ca-out", caOut, "--client-ca", clientCA,
			"--rate-limit", "50", "--login-lockout", "4", "--traders", "testdata/traders.json"}, env(nil), &stdout, &stderr)
	}()
	baseRE := regexp.MustCompile(`at (https://127\.0\.0\.1:\d+/api)\n`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" || !strings.Contains(stdout.String(), "Ctrl-C"); time.Sleep(10 * time.Millisecond) {
		if m := baseRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, stdout.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no HTTPS base URL printed:\n%s", stdout.String())
		}
	}
	caPEM, err := os.ReadFile(caOut)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("--tls-ca-out holds no certificate")
	}
	certPEM, keyPEM, err := clients.ClientCert("suite")
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := tls.X509KeyPair(certPEM, keyPEM)
	cl := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}}}}
	req, _ := http.NewRequest(http.MethodPost, base+"/token", nil)
	req.Header.Set("Et-App-Key", SandboxAppKey)
	req.Header.Set("Username", "robert.zak")
	req.Header.Set("Password", "sandbox-Password-1")
	res, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("login over mutual TLS: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	for _, want := range []string{"rate limit 50 requests per second", "4 consecutive failed logins lock",
		"the private CA's certificate is in " + caOut, "client certificates required"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}
