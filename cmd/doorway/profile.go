package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// profileEnv names the loopback address on which serve and seed, when it is
// set, offer Go's profiler (/debug/pprof/), for an operator finding out why a
// practice's pages, or a large seed, are slow. It is never on the server's
// own address, and only a loopback address is accepted: a profile shows
// what the server is doing, not whose records, but it is still nobody
// else's business.
const profileEnv = "DOORWAY_PPROF"

// startProfiler serves the profiler on addr until the process ends.
func startProfiler(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s: %w", profileEnv, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s must be a loopback address such as 127.0.0.1:6060, not %q", profileEnv, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w", profileEnv, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return nil
}
