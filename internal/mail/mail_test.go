package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"doorway/internal/mail"
	"doorway/internal/mail/mailtest"
	"doorway/internal/problem"
)

// TestSMTPSendDelivers sends through a real SMTP conversation on a TCP socket
// and checks what the server received: envelope, headers and body.
func TestSMTPSendDelivers(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatalf("Parse(%q): %v", srv.URL(), err)
	}
	// The body has a line that starts with a dot, which SMTP must escape on
	// the wire and the server must unescape, and a non-ASCII name.
	body := "Hello Zoë,\n\nOpen this link:\n\nhttps://doorway.test/invite/abc\n.\n..and a line starting with dots\n"
	m := mail.Message{To: "zoe@example.org", Subject: "Your invitation to Stillwater", Body: body}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	g := got[0]
	if g.From != mailtest.From {
		t.Errorf("MAIL FROM = %q, want %q", g.From, mailtest.From)
	}
	if len(g.To) != 1 || g.To[0] != m.To {
		t.Errorf("RCPT TO = %q, want [%q]", g.To, m.To)
	}
	if g.Header.Get("To") != m.To || g.Header.Get("From") != mailtest.From {
		t.Errorf("headers To=%q From=%q, want %q and %q", g.Header.Get("To"), g.Header.Get("From"), m.To, mailtest.From)
	}
	if g.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", g.Subject, m.Subject)
	}
	if g.Body != body {
		t.Errorf("body = %q, want %q", g.Body, body)
	}
	if ct := g.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "utf-8") {
		t.Errorf("Content-Type = %q, want text/plain in utf-8", ct)
	}
	if g.Header.Get("Date") == "" {
		t.Error("no Date header")
	}
}

// TestSMTPSendSeveral checks that one SMTP sender delivers message after
// message, each on its own connection.
func TestSMTPSendSeveral(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if err := s.Send(context.Background(), mail.Message{To: to, Subject: "Hi " + to, Body: "Body for " + to + "\n"}); err != nil {
			t.Fatalf("Send to %s: %v", to, err)
		}
	}
	got := srv.Messages()
	if len(got) != 3 {
		t.Fatalf("received %d messages, want 3", len(got))
	}
	for _, g := range got {
		if g.Subject != "Hi "+g.To[0] || g.Body != "Body for "+g.To[0]+"\n" {
			t.Errorf("message to %s has subject %q and body %q", g.To[0], g.Subject, g.Body)
		}
	}
}

// TestSMTPSendRefusesLineBreaks: a line break in a header value would let
// the caller add headers or recipients; nothing may be sent.
func TestSMTPSendRefusesLineBreaks(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []mail.Message{
		{To: "a@example.org\r\nBcc: evil@example.org", Subject: "x", Body: "x"},
		{To: "a@example.org", Subject: "x\nBcc: evil@example.org", Body: "x"},
	} {
		err := s.Send(context.Background(), m)
		if problem.CodeOf(err) != problem.Invalid {
			t.Errorf("Send(%q, %q) = %v, want an Invalid problem", m.To, m.Subject, err)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}

// TestSMTPSendUnreachable: a server that is not there is an error, not a hang.
func TestSMTPSendUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	s, err := mail.Parse("smtp://" + addr + "?from=clinic@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "x", Body: "x"}); err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"smtp://user:pass@mail.example.org:2525?from=clinic@example.org", true},
		{"smtp://mail.example.org?from=clinic@example.org", true},
		{"smtps://mail.example.org?from=clinic@example.org", true},
		{"smtp://mail.example.org", false},                         // no from
		{"http://mail.example.org?from=clinic@example.org", false}, // wrong scheme
		{"smtp://?from=clinic@example.org", false},                 // no host
		{"::not a url", false},
	} {
		_, err := mail.Parse(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) error = %v, want ok=%v", tc.url, err, tc.ok)
		}
		if err != nil && problem.CodeOf(err) != problem.Invalid {
			t.Errorf("Parse(%q) error %v is not an Invalid problem", tc.url, err)
		}
	}
}
