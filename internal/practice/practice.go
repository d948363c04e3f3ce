// Package practice holds Doorway's use cases: each thing a person does in
// the practice (record vital signs, submit a questionnaire, sign a consent,
// decide screening, give a dose, acknowledge an alert…) and the loaders of
// what each page shows, written once and called by both adapters, the pages
// (internal/web) and the FHIR API (internal/fhir).
//
// Every use case takes the Actor (who asks, and from where) and plain
// inputs. It asks access.Allow itself, runs one transaction, appends its
// audit entry inside that transaction, and returns a result or a
// problem.Error. The adapters only parse, call, and render or encode; they
// hold no store handle, so a request cannot reach client data without
// passing through a use case and its access decision.
package practice

import (
	"context"
	"log/slog"
	"time"

	"doorway/internal/auth"
	"doorway/internal/mail"
	"doorway/internal/store"
)

// Config is what the use cases need from the application.
type Config struct {
	Store *store.Store
	// Hasher hashes and checks passwords.
	Hasher *auth.Hasher
	// Mailer sends invitations and password resets; nil when SMTP is not
	// configured, in which case links are shown to the admin who made them.
	Mailer mail.Sender
	// Demo lets the demo's accounts sign in without a second factor.
	Demo bool
	// Now is the clock; tests stand it still or move it.
	Now    func() time.Time
	Logger *slog.Logger
	// BaseURL is the site's public address, for the links in e-mails that
	// the scheduled work sends, where no request says it; nil: none known.
	BaseURL func() string
}

// Service runs the use cases. It is safe for concurrent use.
type Service struct {
	st     *store.Store
	hasher *auth.Hasher
	mailer mail.Sender
	demo   bool
	now    func() time.Time
	log    *slog.Logger
	base   func() string
}

// New makes the service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Hasher == nil {
		cfg.Hasher = auth.NewHasher(2)
	}
	if cfg.BaseURL == nil {
		cfg.BaseURL = func() string { return "" }
	}
	return &Service{st: cfg.Store, hasher: cfg.Hasher, mailer: cfg.Mailer, demo: cfg.Demo, now: cfg.Now, log: cfg.Logger, base: cfg.BaseURL}
}

// Now is the service's clock, in UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// Ping reports whether the database answers, for /readyz.
func (s *Service) Ping(ctx context.Context) error { return s.st.Ping(ctx) }
