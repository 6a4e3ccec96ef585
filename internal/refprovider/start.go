package refprovider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/autoshares/conformance/internal/refprovider/testpki"
)

// ShutdownTimeout bounds Running.Close: in-flight requests get this long to finish, then
// their connections are cut.
const ShutdownTimeout = 5 * time.Second

// Running is a provider serving on a real listener; see Start.
type Running struct {
	BaseURL  string  // http(s)://host:port/api, the documented "apiURL"
	StateURL string  // http(s)://host:port/test-support/provider-states; "" unless TestMode
	Addr     string  // host:port actually listened on
	Server   *Server // the handler, e.g. for MailStats

	caPEM []byte // the private CA of Options.TLS; nil without TLS

	srv       *http.Server
	served    chan struct{} // closed when Serve has returned
	serveErr  error
	closeOnce sync.Once
	closeErr  error
}

// Start creates a Server from opts and serves it on addr ("" = "127.0.0.1:0", a free
// loopback port) until ctx is done or Close is called. With Options.TLS it serves HTTPS
// (see CACertPEM).
func Start(ctx context.Context, opts Options, addr string) (*Running, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var tlsConf *tls.Config
	var caPEM []byte
	if s.cfg.tls {
		if tlsConf, caPEM, err = serverTLS(s.cfg.clientCA); err != nil {
			return nil, err
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	scheme := "http://"
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
		scheme = "https://"
	}
	host := ln.Addr().String()
	r := &Running{
		caPEM:   caPEM,
		BaseURL: scheme + host + APIPrefix,
		Addr:    host,
		Server:  s,
		srv: &http.Server{
			Handler:           delayed(s, s.cfg.latency),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second, // bodies are at most MaxBodyBytes (1 MiB)
			// Step 1 waits for the SMTP server (at most mailTimeout) before it answers.
			WriteTimeout: mailTimeout + 20*time.Second,
			IdleTimeout:  time.Minute,
			// Failed TLS handshakes and the like go to the request log, not stderr.
			ErrorLog: log.New(s.cfg.log, "", log.LstdFlags|log.LUTC),
		},
		served: make(chan struct{}),
	}
	if s.cfg.testMode {
		r.StateURL = scheme + host + StatePath
	}
	go func() {
		defer close(r.served)
		if err := r.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			r.serveErr = err
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = r.Close()
		case <-r.served:
		}
	}()
	return r, nil
}

// serverTLS is Options.TLS: a certificate for the loopback names from a fresh private CA,
// and with clientCA, required client certificates issued by it.
func serverTLS(clientCA []byte) (*tls.Config, []byte, error) {
	ca, err := testpki.NewCA("AutoShares reference provider test CA")
	if err != nil {
		return nil, nil, err
	}
	cert, err := ca.ServerCert()
	if err != nil {
		return nil, nil, err
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if len(clientCA) > 0 {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(clientCA) // validated by Options.validate
		c.ClientCAs, c.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return c, ca.CertPEM(), nil
}

// CACertPEM is the PEM certificate of the private CA that issued the server certificate
// under Options.TLS (nil without it): what a client must trust.
func (r *Running) CACertPEM() []byte { return append([]byte(nil), r.caPEM...) }

// Close shuts the server down gracefully, waiting at most ShutdownTimeout for in-flight
// requests. It is safe to call more than once and concurrently.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		if err := r.srv.Shutdown(ctx); err != nil {
			r.closeErr = errors.Join(err, r.srv.Close())
		}
		<-r.served
	})
	return r.closeErr
}

// Wait blocks until the server has stopped (ctx done, Close, or a listener failure) and
// shut down, and returns why it stopped abnormally, or nil.
func (r *Running) Wait() error {
	<-r.served
	closeErr := r.Close() // finishes (or waits for) the graceful shutdown
	return errors.Join(r.serveErr, closeErr)
}

// delayed holds every request for latency before h serves it (Options.Latency); a
// request whose client gives up is not served.
func delayed(h http.Handler, latency time.Duration) http.Handler {
	if latency <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
			h.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}
