package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
)

// TLSHint names the setting that fixes a TLS failure, "" for any other error: an
// untrusted CA (AUTOSHARES_CA_BUNDLE), or a target that wants a client certificate
// (AUTOSHARES_CLIENT_CERT and AUTOSHARES_CLIENT_KEY).
func TLSHint(err error) string {
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknown) || (errors.As(err, &verify) && errors.As(verify.Err, &unknown)) {
		return "the target's certificate is signed by a CA this machine does not trust: set AUTOSHARES_CA_BUNDLE to a PEM file of that CA"
	}
	msg := err.Error()
	for _, alert := range []string{"tls: certificate required", "tls: bad certificate", "tls: unknown certificate authority", "tls: handshake failure"} {
		if strings.Contains(msg, alert) {
			return "the target refused the TLS handshake (" + alert + "): if it requires mutual TLS, set AUTOSHARES_CLIENT_CERT and AUTOSHARES_CLIENT_KEY to a client certificate it accepts"
		}
	}
	return ""
}
