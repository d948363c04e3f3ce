package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorway/internal/app"
	"doorway/internal/store"
	"doorway/internal/web"
)

var ctx = context.Background()

func noEnv(string) string { return "" }

// mustMain opens a Main on a fresh SQLite data directory.
func mustMain(t *testing.T, dir string, edit ...func(*app.Config)) *app.Main {
	t.Helper()
	cfg, err := app.NewConfig(noEnv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	cfg.Addr = "127.0.0.1:0"
	for _, f := range edit {
		f(&cfg)
	}
	m := app.NewMain(cfg)
	m.Logger = slog.New(slog.DiscardHandler)
	if err := m.Open(ctx); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// running is a Main serving in the background.
type running struct {
	url  string
	stop context.CancelFunc
	done chan error
}

func mustRun(t *testing.T, m *app.Main) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	r := &running{url: "http://" + ln.Addr().String(), stop: stop, done: make(chan error, 1)}
	go func() { r.done <- m.Run(runCtx, ln) }()
	t.Cleanup(func() {
		stop()
		<-r.done
	})
	return r
}

// shutdown stops the server and waits for Run to return.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		r.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the stop")
	}
}

func mustGet(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeAndShutDown(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)

	// A slow request that must finish although the stop comes while it runs.
	entered := make(chan struct{})
	m.Mounts = []web.Mount{{Pattern: "GET /test/slow", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})}}
	r := mustRun(t, m)

	for _, path := range []string{"/healthz", "/readyz", "/fhir/r4/metadata"} {
		if code, body := mustGet(t, http.DefaultClient, r.url+path); code != http.StatusOK {
			t.Errorf("GET %s: %d %q", path, code, body)
		}
	}
	// The FHIR API is mounted and asks for a token.
	if code, body := mustGet(t, http.DefaultClient, r.url+"/fhir/r4/Patient"); code != http.StatusUnauthorized || !strings.Contains(body, "OperationOutcome") {
		t.Errorf("GET /fhir/r4/Patient without a token: %d %q", code, body)
	}

	// Something for the checkpoint at shutdown to pin.
	if _, err := m.AddStaff(ctx, app.NewStaff{Email: "first@example.org", Roles: []store.Role{store.RoleAdmin}}); err != nil {
		t.Fatal(err)
	}

	type result struct {
		code int
		body string
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(r.url + "/test/slow")
		if err != nil {
			slow <- result{body: err.Error()}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{resp.StatusCode, string(b)}
	}()
	<-entered
	r.shutdown(t)
	if got := <-slow; got.code != http.StatusOK || got.body != "finished" {
		t.Errorf("request in flight at shutdown: %d %q", got.code, got.body)
	}
	if _, err := http.Get(r.url + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}

	cps, err := m.Store.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Entries: the refused FHIR request, then clinic, user and link.
	if len(cps) != 1 || cps[0].Seq != 4 {
		t.Errorf("checkpoints after shutdown: %+v, want one at entry 4 (FHIR refusal, clinic, user, link)", cps)
	}
	for _, name := range []string{app.MasterKeyFile, app.AuditKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("key file: %v", err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := mustSelfSigned(t, dir)
	m := mustMain(t, dir, func(c *app.Config) { c.TLSCert, c.TLSKey = cert, key })
	r := mustRun(t, m)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	url := "https" + r.url[len("http"):] + "/healthz"
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("GET %s: %d, TLS %v", url, resp.StatusCode, resp.TLS != nil)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Log("no HSTS header on /healthz (the web package decides where to send it)")
	}
	r.shutdown(t)
}

func TestRunRefusesABadCertificate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o600)
	m := mustMain(t, dir, func(c *app.Config) { c.TLSCert, c.TLSKey = bad, bad })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx, ln); err == nil {
		t.Fatal("Run accepted a malformed certificate")
	}
}

// mustSelfSigned writes a certificate for 127.0.0.1 and its key into dir.
func mustSelfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}
