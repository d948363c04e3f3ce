// Package app is the Doorway program: its configuration, the keys in its data
// directory, the HTTP server and its lifecycle, the periodic audit
// checkpoints, the runner of scheduled work beside the server, and the operations behind the command line (adding a user,
// issuing a token, backups, verifying the audit log). cmd/doorway only parses
// flags and calls into it, so tests boot the real program on a random port.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"doorway/internal/auth"
	"doorway/internal/fhir"
	"doorway/internal/jobs"
	"doorway/internal/mail"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web"
)

// Main is the running program. Set its fields, Open it, Run it, Close it.
type Main struct {
	Config Config
	Logger *slog.Logger
	// Demo marks every page as a demo and lets demo accounts skip the second factor.
	Demo bool
	// Now is the clock.
	Now func() time.Time
	// CheckpointEvery is how often the audit chain is verified and a signed
	// checkpoint saved while serving; it is also done at start-up and at
	// shutdown.
	CheckpointEvery time.Duration
	// ShutdownTimeout bounds how long requests in flight may take to finish
	// once a stop is asked for.
	ShutdownTimeout time.Duration
	// Mounts are further handlers served under the same middleware.
	Mounts []web.Mount
	// JobsEvery is how often an idle instance looks for scheduled work that
	// has fallen due; Open reads it.
	JobsEvery time.Duration

	// Set by Open.
	Store  *store.Store
	Keys   Keys
	Hasher *auth.Hasher
	Mailer mail.Sender
	// Jobs runs scheduled work while the server runs; register handlers on
	// it (Jobs.Handle) between Open and Run. Open registers the practice's
	// own: the e-mails and the hourly sweep.
	Jobs *jobs.Runner
	// Practice runs the use cases, for the pages, the API and the jobs alike.
	Practice *practice.Service

	// linkBase is the site's public address once known (Run), for the links
	// in e-mails the jobs send.
	linkBase atomic.Value

	auditMu  sync.Mutex
	heads    *headsLog       // this instance's heads file, made on first use
	recorded map[string]bool // audit problems already recorded by this process
}

// NewMain returns a Main with the usual settings for cfg.
func NewMain(cfg Config) *Main {
	return &Main{
		Config:          cfg,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Now:             func() time.Time { return time.Now().UTC() },
		CheckpointEvery: CheckpointInterval,
		JobsEvery:       5 * time.Second,
		ShutdownTimeout: 30 * time.Second,
	}
}

func (m *Main) now() time.Time { return m.Now().UTC() }

// Open connects to the database, applies migrations, and loads the keys,
// creating them on first start. It is what serve, demo, migrate and the
// commands that change data need.
func (m *Main) Open(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return problem.New(problem.Invalid, "%s", err.Error())
	}
	if m.Config.SMTPURL != "" {
		s, err := mail.Parse(m.Config.SMTPURL)
		if err != nil {
			return err
		}
		m.Mailer = s // only when set: a nil *SMTP in the interface would not be nil
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	if err := m.Store.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	keys, err := LoadKeys(m.Config, true)
	if err != nil {
		return err
	}
	m.Keys = keys
	if err := m.Store.SetMasterKey(keys.Master); err != nil {
		return err
	}
	// Text written in clear before its column was sealed (migration 0020)
	// is sealed in place, once; a signed record keeps its own.
	if n, err := m.Store.SealClearText(ctx); err != nil {
		return fmt.Errorf("seal older text: %w", err)
	} else if n > 0 {
		m.Logger.Info("sealed text written before it was sealed", "values", n)
	}
	if loose := looseKeyFiles(m.Config.DataDir); len(loose) > 0 {
		m.Logger.Warn("key files are readable by other users; chmod 600 them", "files", loose)
	}
	m.Hasher = auth.NewHasher(0)
	m.Jobs = jobs.New(jobs.Config{Store: m.Store, Logger: m.Logger, Now: m.Now, PollEvery: m.JobsEvery, StopTimeout: m.ShutdownTimeout})
	// The clock is read through m at each call, as it was when the pages
	// made their service at Run: a test may stand it still after Open.
	m.Practice = practice.New(practice.Config{Store: m.Store, Hasher: m.Hasher, Mailer: m.Mailer, Demo: m.Demo,
		Now: func() time.Time { return m.Now() }, Logger: m.Logger, BaseURL: m.publicURL})
	m.Practice.RegisterJobs(m.Jobs)
	return nil
}

// publicURL is the site's address for links in e-mails: --base-url, or
// the address the server listens on once it does.
func (m *Main) publicURL() string {
	if m.Config.BaseURL != "" {
		return m.Config.PublicURL("")
	}
	u, _ := m.linkBase.Load().(string)
	return u
}

// OpenExisting connects to a database that must already exist, without
// migrating it or creating keys: for commands that only read (backup, audit
// verify), which should neither change a database nor start a new one in a
// mistyped directory.
func (m *Main) OpenExisting(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return problem.New(problem.Invalid, "%s", err.Error())
	}
	if !m.Config.Postgres() {
		if _, err := os.Stat(filepath.Join(m.Config.DataDir, store.SQLiteFile)); err != nil {
			return problem.New(problem.NotFound, "there is no Doorway database in %s", m.Config.DataDir)
		}
	}
	return m.openStore(ctx)
}

func (m *Main) openStore(ctx context.Context) error {
	if m.Store != nil {
		return errors.New("app: already open")
	}
	st, err := store.Open(ctx, m.Config.StoreConfig())
	if err != nil {
		return err
	}
	m.Store = st
	return nil
}

// Close releases the database.
func (m *Main) Close() error {
	if m.Store == nil {
		return nil
	}
	err := m.Store.Close()
	m.Store = nil
	return err
}

// Handler is the whole site: the pages, and the FHIR API under /fhir/r4/.
func (m *Main) Handler() http.Handler {
	uc := m.Practice
	if uc == nil {
		uc = practice.New(practice.Config{Store: m.Store, Hasher: m.Hasher, Mailer: m.Mailer, Demo: m.Demo, Now: m.Now, Logger: m.Logger,
			BaseURL: m.publicURL})
	}
	api := fhir.New(fhir.Config{Practice: uc, Logger: m.Logger, Now: m.Now, BaseURL: m.Config.BaseURL})
	mounts := append([]web.Mount{{Pattern: "/fhir/r4/", Handler: api.Handler()}}, m.Mounts...)
	return web.New(web.Config{
		Practice:     uc,
		RecordBundle: api.WriteRecordBundle,
		BaseURL:      m.Config.BaseURL,
		Secure:       m.Config.Secure(),
		Demo:         m.Demo,
		Logger:       m.Logger,
		Now:          m.Now,
		Mounts:       mounts,
	}).Handler()
}

// Listen opens the configured address, so that a caller can print where the
// server is before it starts serving.
func (m *Main) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return nil, problem.New(problem.Unavailable, "cannot listen on %s: %s", m.Config.Addr, causeOf(err))
	}
	return ln, nil
}

// ListenAndServe listens on the configured address and runs until ctx ends.
func (m *Main) ListenAndServe(ctx context.Context) error {
	ln, err := m.Listen()
	if err != nil {
		return err
	}
	return m.Run(ctx, ln)
}

// Run serves on ln until ctx ends (a signal) or the server fails, then stops
// taking connections, lets the requests in flight finish (up to
// ShutdownTimeout), lets the scheduled jobs in flight finish (as long
// again at most), and saves a last audit checkpoint. It closes ln.
func (m *Main) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           m.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute, // exports and PDFs can be slow to write
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	if m.Config.TLS() {
		cert, err := tls.LoadX509KeyPair(m.Config.TLSCert, m.Config.TLSKey)
		if err != nil {
			ln.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
			return problem.New(problem.Invalid, "cannot load the TLS certificate and key: %s", causeOf(err))
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	// The chain is verified, and its head signed, before the first request.
	// A chain that does not verify is logged and recorded, and never signed,
	// but the server still starts: the clinic's records do not depend on the
	// audit table, and refusing to start would let anyone able to write that
	// table stop the clinic, mid-session, by spoiling one row. The break
	// stays for verify to name, and everything from now on is still logged.
	m.checkAuditAtStart(ctx)
	m.linkBase.Store(m.Config.PublicURL(ln.Addr().String()))

	served := make(chan error, 1)
	go func() {
		if m.Config.TLS() {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	loopCtx, stopLoop := context.WithCancel(context.WithoutCancel(ctx))
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		m.checkpointLoop(loopCtx)
	}()
	// Scheduled work runs beside the server and stops with it, after the
	// last request, letting the jobs in flight finish.
	jobsDone := make(chan struct{})
	if m.Practice != nil {
		// This hour's sweep, once across every instance; each sweep queues
		// the next. A database that cannot take it now gets it at the next
		// start: nothing is lost meanwhile, since the bookings queue their
		// own reminders.
		if err := m.Practice.StartScheduledWork(ctx); err != nil {
			m.Logger.Error("the hourly sweep of reminders could not be queued", "err", err)
		}
	}
	go func() {
		defer close(jobsDone)
		if m.Jobs != nil {
			m.Jobs.Run(loopCtx) // #nosec G104 -- it returns only when the server is stopping; each job logs its own failures
		}
	}()
	m.Logger.Info("serving", "url", m.Config.PublicURL(ln.Addr().String()), "database", m.Store.Engine(), "demo", m.Demo)

	var err error
	select {
	case <-ctx.Done():
		m.Logger.Info("stopping: finishing requests in flight", "timeout", m.ShutdownTimeout)
	case err = <-served:
		err = fmt.Errorf("server: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.ShutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		m.Logger.Warn("requests still running at the shutdown timeout were cut off", "err", serr)
		srv.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
	}
	stopLoop()
	<-loopDone
	<-jobsDone
	// A last checkpoint, after the last request, pins everything this run
	// wrote. It has its own time limit: the shutdown's may be spent.
	cctx, cancelCP := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancelCP()
	if _, err := m.Checkpoint(cctx); err != nil {
		m.Logger.Error("audit checkpoint at shutdown failed", "err", err)
	}
	m.Logger.Info("stopped")
	return err
}

// causeOf keeps the last, most specific part of a system error, such as
// "address already in use", without the operation and path before it.
func causeOf(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	return err.Error()
}
