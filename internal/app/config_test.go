package app_test

import (
	"bytes"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"doorway/internal/app"
)

func TestConfigDefaultsEnvironmentFlags(t *testing.T) {
	cfg, err := app.NewConfig(noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:8080" || cfg.DataDir != "./doorway-data" || cfg.DatabaseURL != "" || cfg.Secure() {
		t.Errorf("defaults: %+v", cfg)
	}

	env := map[string]string{
		"DOORWAY_ADDR": "0.0.0.0:9000", "DOORWAY_DATA": "/srv/doorway", "DOORWAY_DATABASE_URL": "postgres://db/doorway",
		"DOORWAY_BASE_URL": "https://doorway.example.org/", "DOORWAY_BEHIND_TLS_PROXY": "true",
	}
	cfg, err = app.NewConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "0.0.0.0:9000" || cfg.DataDir != "/srv/doorway" || !cfg.Postgres() || !cfg.Secure() {
		t.Errorf("from the environment: %+v", cfg)
	}
	if got := cfg.PublicURL("127.0.0.1:1"); got != "https://doorway.example.org" {
		t.Errorf("public URL %q", got)
	}

	// Flags win over the environment.
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.ServeFlags(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:7000", "--database", "", "--behind-tls-proxy=false", "--base-url", ""}); err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:7000" || cfg.Postgres() || cfg.Secure() || cfg.DataDir != "/srv/doorway" {
		t.Errorf("after flags: %+v", cfg)
	}
	if got := cfg.PublicURL("127.0.0.1:7000"); got != "http://127.0.0.1:7000" {
		t.Errorf("public URL %q", got)
	}

	if _, err := app.NewConfig(func(k string) string {
		if k == "DOORWAY_BEHIND_TLS_PROXY" {
			return "perhaps"
		}
		return ""
	}); err == nil {
		t.Error("a malformed DOORWAY_BEHIND_TLS_PROXY was accepted")
	}
	for name, edit := range map[string]func(*app.Config){
		"cert without key":  func(c *app.Config) { c.TLSCert = "cert.pem" },
		"mysql URL":         func(c *app.Config) { c.DatabaseURL = "mysql://x" },
		"address sans port": func(c *app.Config) { c.Addr = "localhost" },
		"relative base URL": func(c *app.Config) { c.BaseURL = "doorway.example.org" },
	} {
		c, _ := app.NewConfig(noEnv)
		edit(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
}

func TestKeys(t *testing.T) {
	cfg, _ := app.NewConfig(noEnv)
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	if _, err := app.LoadKeys(cfg, false); err == nil {
		t.Fatal("keys loaded from an empty directory")
	}

	// Processes starting together agree on one key.
	var wg sync.WaitGroup
	keys := make([][]byte, 8)
	for i := range keys {
		wg.Go(func() {
			k, err := app.LoadMasterKey(cfg, true)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if !bytes.Equal(k, keys[0]) {
			t.Fatal("concurrent first starts made different master keys")
		}
	}
	first, err := app.LoadKeys(cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	again, err := app.LoadKeys(cfg, false)
	if err != nil || !bytes.Equal(again.Master, first.Master) || !again.Audit.Equal(first.Audit) {
		t.Errorf("keys changed on reload: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(cfg.DataDir, ".key-*")); len(left) > 0 {
		t.Errorf("temporary key files left: %v", left)
	}

	// The environment wins over the files.
	master := bytes.Repeat([]byte{7}, 32)
	env := cfg
	env.MasterKey = base64.RawURLEncoding.EncodeToString(master)
	got, err := app.LoadMasterKey(env, true)
	if err != nil || !bytes.Equal(got, master) {
		t.Errorf("DOORWAY_MASTER_KEY: %x, %v", got, err)
	}
	env.MasterKey = base64.StdEncoding.EncodeToString(master[:16])
	if _, err := app.LoadMasterKey(env, true); err == nil {
		t.Error("a 16-byte master key was accepted")
	}
	os.WriteFile(filepath.Join(cfg.DataDir, app.MasterKeyFile), []byte("garbage\n"), 0o600)
	if _, err := app.LoadMasterKey(cfg, true); err == nil {
		t.Error("a garbled master.key was accepted (or replaced)")
	}
}
