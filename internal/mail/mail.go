// Package mail sends Doorway's few emails (invitations, password resets,
// reminders) through an SMTP server named by a URL. A message is plain text,
// optionally with an HTML alternative and attachments (a booking's .ics),
// written as RFC 2045/2046 MIME (compose.go).
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"net/url"
	"time"

	"doorway/internal/problem"
)

// Message is one email. Body, the plain text, is always sent; with HTML it
// becomes the plain alternative of a multipart/alternative message, which
// mail readers show as they prefer. Attachments make it multipart/mixed.
type Message struct {
	To      string
	Subject string
	Body    string
	// HTML, when set, is the same message as an HTML document.
	HTML string
	// Attachments travel after the text, each base64-encoded.
	Attachments []Attachment
	// MessageID is the Message-ID without its angle brackets, such as
	// "job-id@clinic.example". Empty makes a random one. A sender that may
	// repeat a message (a retried job) gives the same one each time, so the
	// repeat can be recognised.
	MessageID string
	// Headers are further header fields, in order, such as a mailing list's
	// List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
	// The fields compose writes itself may not be among them.
	Headers []Header
}

// Header is one header field of a message.
type Header struct {
	Name  string
	Value string
}

// Attachment is a file sent with a message.
type Attachment struct {
	Filename string
	// ContentType is the media type with its parameters, such as
	// "text/calendar; charset=utf-8; method=PUBLISH".
	ContentType string
	Data        []byte
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through an SMTP server.
type SMTP struct {
	addr     string
	host     string
	from     string
	user     string
	pass     string
	implicit bool // smtps://: TLS from the first byte
}

// Parse reads an SMTP URL: smtp://user:pass@host:port?from=clinic@example.org
// (STARTTLS when the server offers it) or smtps://… (TLS from the start).
func Parse(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, problem.New(problem.Invalid, "the SMTP URL must look like smtp://user:password@host:587?from=clinic@example.org")
	}
	from := u.Query().Get("from")
	if from == "" {
		return nil, problem.New(problem.Invalid, "the SMTP URL needs a from address: add ?from=clinic@example.org")
	}
	port := u.Port()
	if port == "" {
		port = "587"
		if u.Scheme == "smtps" {
			port = "465"
		}
	}
	s := &SMTP{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), from: from, implicit: u.Scheme == "smtps"}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers one message, giving up after 30 seconds.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	raw, err := compose(m, s.from, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var d net.Dialer
	var conn net.Conn
	if s.implicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: &tls.Config{ServerName: s.host}}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return fmt.Errorf("smtp dial: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl) // #nosec G104 -- a connection whose deadline cannot be set fails on its next read or write, which is checked
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
		return fmt.Errorf("smtp hello: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicit {
		if err := c.StartTLS(&tls.Config{ServerName: s.host}); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.from); err != nil {
		return fmt.Errorf("smtp mail from: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("smtp rcpt: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		w.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
		return fmt.Errorf("smtp data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp data end: %w", err)
	}
	return c.Quit()
}
