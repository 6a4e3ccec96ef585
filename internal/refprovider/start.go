package refprovider

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// ShutdownTimeout bounds Running.Close: in-flight requests get this long to finish, then
// their connections are cut.
const ShutdownTimeout = 5 * time.Second

// Running is a provider serving on a real listener; see Start.
type Running struct {
	BaseURL  string  // http://host:port/api, the documented "apiURL"
	StateURL string  // http://host:port/test-support/provider-states; "" unless TestMode
	Addr     string  // host:port actually listened on
	Server   *Server // the handler, e.g. for MailStats

	srv       *http.Server
	served    chan struct{} // closed when Serve has returned
	serveErr  error
	closeOnce sync.Once
	closeErr  error
}

// Start creates a Server from opts and serves it on addr ("" = "127.0.0.1:0", a free
// loopback port) until ctx is done or Close is called.
func Start(ctx context.Context, opts Options, addr string) (*Running, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	host := ln.Addr().String()
	r := &Running{
		BaseURL: "http://" + host + APIPrefix,
		Addr:    host,
		Server:  s,
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second, // bodies are at most MaxBodyBytes (1 MiB)
			// Step 1 waits for the SMTP server (at most mailTimeout) before it answers.
			WriteTimeout: mailTimeout + 20*time.Second,
			IdleTimeout:  time.Minute,
		},
		served: make(chan struct{}),
	}
	if s.cfg.testMode {
		r.StateURL = "http://" + host + StatePath
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
