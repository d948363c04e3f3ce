package web

import (
	"context"
	"net/http"
	"strings"
)

// What a handler reads of the request itself rather than its form: the
// request id the middleware gave it, the address it came from, and the
// site's public address for links.

// requestID is the id the middleware gave this request, shown on error
// pages and written in its audit entries.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// clientIP is the address the request came from: the connection's, as the
// FHIR API takes it too. Forwarded headers are not trusted, since anyone can
// send them; behind a proxy every request shows the proxy's address, and the
// per-address limits then count the proxy (the README says so).

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// baseURL is the site's public address for links in emails.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
