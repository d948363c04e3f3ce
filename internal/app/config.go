package app

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"

	"doorway/internal/store"
)

// Config is everything the program is told from outside. It is read in one
// place: defaults, then the environment, then flags, each overriding the one
// before.
type Config struct {
	Addr        string // --addr, DOORWAY_ADDR
	DataDir     string // --data, DOORWAY_DATA: the SQLite database, keys, uploads
	DatabaseURL string // --database, DOORWAY_DATABASE_URL: PostgreSQL instead of SQLite
	SMTPURL     string // --smtp, DOORWAY_SMTP_URL
	BaseURL     string // --base-url, DOORWAY_BASE_URL: the public address for links
	TLSCert     string // --tls-cert, DOORWAY_TLS_CERT: serve HTTPS directly
	TLSKey      string // --tls-key, DOORWAY_TLS_KEY
	// BehindTLSProxy (--behind-tls-proxy, DOORWAY_BEHIND_TLS_PROXY) says a
	// proxy in front terminates TLS, so cookies are Secure and HSTS is sent.
	BehindTLSProxy bool

	// MasterKey and AuditKey come only from the environment
	// (DOORWAY_MASTER_KEY, DOORWAY_AUDIT_KEY), never from flags, which other
	// users of the machine can read in the process list. When set they are
	// used instead of the key files in the data directory.
	MasterKey string
	AuditKey  string
}

// Defaults from CONTRACT.md.
const (
	DefaultAddr    = "127.0.0.1:8080"
	DefaultDataDir = "./doorway-data"
)

// NewConfig returns the defaults overridden by the environment, read through
// getenv (os.Getenv, or a map in tests). A malformed value is an error.
func NewConfig(getenv func(string) string) (Config, error) {
	c := Config{Addr: DefaultAddr, DataDir: DefaultDataDir}
	for name, dst := range map[string]*string{
		"DOORWAY_ADDR":         &c.Addr,
		"DOORWAY_DATA":         &c.DataDir,
		"DOORWAY_DATABASE_URL": &c.DatabaseURL,
		"DOORWAY_SMTP_URL":     &c.SMTPURL,
		"DOORWAY_BASE_URL":     &c.BaseURL,
		"DOORWAY_TLS_CERT":     &c.TLSCert,
		"DOORWAY_TLS_KEY":      &c.TLSKey,
		"DOORWAY_MASTER_KEY":   &c.MasterKey,
		"DOORWAY_AUDIT_KEY":    &c.AuditKey,
	} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	if v := strings.TrimSpace(getenv("DOORWAY_BEHIND_TLS_PROXY")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("DOORWAY_BEHIND_TLS_PROXY must be true or false, not %q", v)
		}
		c.BehindTLSProxy = b
	}
	return c, nil
}

// StoreFlags adds the flags of every command that opens the database. Call
// it after NewConfig: the current values become the flags' defaults.
func (c *Config) StoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `directory`: the SQLite database and the keys (env DOORWAY_DATA)")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "a postgres:// `URL`; when set, PostgreSQL is used instead of SQLite (env DOORWAY_DATABASE_URL)")
}

// LinkFlags adds the flag of commands that print links to the site.
func (c *Config) LinkFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "the site's public `URL`, for links, such as https://doorway.example.org (env DOORWAY_BASE_URL)")
}

// ServeFlags adds the flags of the commands that run the server.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.StoreFlags(fs)
	c.LinkFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "`host:port` to listen on (env DOORWAY_ADDR)")
	fs.StringVar(&c.SMTPURL, "smtp", c.SMTPURL, "SMTP server `URL` for emails, such as smtp://user:pass@host:587?from=clinic@example.org (env DOORWAY_SMTP_URL)")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "certificate `file` (PEM): serve HTTPS directly (env DOORWAY_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "private key `file` (PEM) of the certificate (env DOORWAY_TLS_KEY)")
	fs.BoolVar(&c.BehindTLSProxy, "behind-tls-proxy", c.BehindTLSProxy, "a proxy in front terminates TLS: mark cookies Secure and send HSTS (env DOORWAY_BEHIND_TLS_PROXY)")
}

// Validate checks the combinations flags alone cannot.
func (c Config) Validate() error {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together: give both or neither")
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("--data must name a directory")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database must be a postgres:// URL")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr must be host:port, such as 127.0.0.1:8080")
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("--base-url must start with http:// or https://")
	}
	return nil
}

// TLS reports whether the server itself serves HTTPS.
func (c Config) TLS() bool { return c.TLSCert != "" }

// Secure reports whether people reach the site over TLS, directly or through
// a proxy: cookies are then Secure and HSTS is sent.
func (c Config) Secure() bool { return c.TLS() || c.BehindTLSProxy }

// PublicURL is the site's address for links: BaseURL if given, else made
// from addr (the address actually listened on, or Config.Addr).
func (c Config) PublicURL(addr string) string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	if addr == "" {
		addr = c.Addr
	}
	scheme := "http"
	if c.Secure() {
		scheme = "https"
	}
	return scheme + "://" + addr
}

// StoreConfig says which database to open.
func (c Config) StoreConfig() store.Config {
	return store.Config{DataDir: c.DataDir, URL: c.DatabaseURL}
}

// Postgres reports whether the database is PostgreSQL.
func (c Config) Postgres() bool { return c.DatabaseURL != "" }
