package mail_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
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
	// Plain messages go as they always have, 8bit, now with a Message-ID
	// from the sender's domain.
	if cte := g.Header.Get("Content-Transfer-Encoding"); cte != "8bit" {
		t.Errorf("Content-Transfer-Encoding = %q, want 8bit", cte)
	}
	mustParse(t, g)
	if id := g.Header.Get("Message-ID"); !strings.HasSuffix(id, "@doorway.test>") {
		t.Errorf("Message-ID = %q, want one at the sender's domain", id)
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

// mustParse reads a received message back with net/mail, as a mail reader
// would, and checks the headers every message has.
func mustParse(t *testing.T, g mailtest.Message) *netmail.Message {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(g.Raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, g.Raw)
	}
	if v := msg.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q", v)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := msg.Header.Get("Message-ID"); !regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want <left@right>", id)
	}
	// The server's reader has turned each CRLF into "\n"; a bare CR left
	// would have been a bare CR on the wire.
	for i, line := range strings.Split(g.Raw, "\n") {
		if len(line) > 998 || strings.Contains(line, "\r") {
			t.Errorf("line %d is %d octets or has a bare CR: %q", i+1, len(line), line)
		}
	}
	return msg
}

// rawPart reads the next part without Go's transparent decoding, so the
// test sees the transfer encoding on the wire and decodes it itself.
func rawPart(t *testing.T, r *multipart.Reader) (*multipart.Part, []byte) {
	t.Helper()
	p, err := r.NextRawPart()
	if err != nil {
		t.Fatalf("next part: %v", err)
	}
	var body io.Reader = p
	switch cte := p.Header.Get("Content-Transfer-Encoding"); cte {
	case "quoted-printable":
		body = quotedprintable.NewReader(p)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, p)
	case "":
	default:
		t.Fatalf("part %q has transfer encoding %q", p.Header.Get("Content-Type"), cte)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read part: %v", err)
	}
	return p, b
}

func mediaType(t *testing.T, v string) (string, map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		t.Fatalf("media type %q: %v", v, err)
	}
	return mt, params
}

// TestSMTPSendAlternativeWithAttachment sends plain text, HTML and an .ics
// file, and reads what the server received as a mail reader would: a
// multipart/mixed message whose first part is multipart/alternative (plain,
// then HTML, each quoted-printable) and whose second is the calendar file in
// base64, every byte as sent.
func TestSMTPSendAlternativeWithAttachment(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a line long enough to need a soft break = and an equals sign ", 3)
	plain := "Hello Zoë,\n\nYour medicine session is on Tuesday at 10:00.\n" + long + "\n.\nSee you then.\n"
	html := "<!doctype html>\n<p>Hello Zoë,</p>\n<p>Your medicine session is on <b>Tuesday at 10:00</b>.</p>\n"
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Doorway//test//EN\r\nEND:VCALENDAR\r\n"
	m := mail.Message{
		To:      "zoe@example.org",
		Subject: "Your session on Tuesday — Stillwater Ketamine Therapy, a subject long enough to fold",
		Body:    plain, HTML: html,
		Attachments: []mail.Attachment{{Filename: "session.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: []byte(ics)}},
		MessageID:   "job-7f3a@doorway.test",
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if !isASCII(got[0].Raw) {
		t.Error("a multipart message should be 7-bit on the wire")
	}
	msg := mustParse(t, got[0])
	if id := msg.Header.Get("Message-ID"); id != "<job-7f3a@doorway.test>" {
		t.Errorf("Message-ID = %q, want the one given", id)
	}
	if subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || subj != m.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subj, err, m.Subject)
	}
	mt, params := mediaType(t, msg.Header.Get("Content-Type"))
	if mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q, want multipart/mixed", mt)
	}
	mixed := multipart.NewReader(msg.Body, params["boundary"])
	first, err := mixed.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	mt, altParams := mediaType(t, first.Header.Get("Content-Type"))
	if mt != "multipart/alternative" {
		t.Fatalf("first part %q, want multipart/alternative", mt)
	}
	inner := multipart.NewReader(first, altParams["boundary"])
	for _, want := range []struct{ ct, text string }{{"text/plain", plain}, {"text/html", html}} {
		p, body := rawPart(t, inner)
		mt, ps := mediaType(t, p.Header.Get("Content-Type"))
		if mt != want.ct || ps["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %q %v %q, want %s in utf-8, quoted-printable", mt, ps, p.Header.Get("Content-Transfer-Encoding"), want.ct)
		}
		if text := strings.ReplaceAll(string(body), "\r\n", "\n"); text != want.text {
			t.Errorf("%s decodes to\n%q\nwant\n%q", want.ct, text, want.text)
		}
	}
	if _, err := inner.NextPart(); err != io.EOF {
		t.Errorf("a third alternative: %v", err)
	}

	att, data := rawPart(t, mixed)
	mt, ps := mediaType(t, att.Header.Get("Content-Type"))
	if mt != "text/calendar" || ps["method"] != "PUBLISH" || ps["charset"] != "utf-8" {
		t.Errorf("attachment type %q %v", mt, ps)
	}
	if d, dp := mediaType(t, att.Header.Get("Content-Disposition")); d != "attachment" || dp["filename"] != "session.ics" {
		t.Errorf("attachment disposition %q %v", d, dp)
	}
	if string(data) != ics {
		t.Errorf("attachment decodes to %q, want %q", data, ics)
	}
	if _, err := mixed.NextPart(); err != io.EOF {
		t.Errorf("a part after the attachment: %v", err)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TestSMTPSendPlainLongLineAndHTMLOnly: a plain line too long for SMTP
// goes quoted-printable; HTML without attachments is a top-level
// multipart/alternative. Both decode to what was sent.
func TestSMTPSendPlainLongLineAndHTMLOnly(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	long := "Start " + strings.Repeat("wordy ", 300) + "end\n"
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Long", Body: long}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), mail.Message{To: "b@example.org", Subject: "Both", Body: "Plain\n", HTML: "<p>Rich</p>"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("received %d messages", len(got))
	}
	msg := mustParse(t, got[0])
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Errorf("long plain line: Content-Transfer-Encoding %q", cte)
	}
	if b, err := io.ReadAll(quotedprintable.NewReader(msg.Body)); err != nil || strings.ReplaceAll(string(b), "\r\n", "\n") != long {
		t.Errorf("long plain line decodes to %q, %v", b, err)
	}

	msg = mustParse(t, got[1])
	mt, params := mediaType(t, msg.Header.Get("Content-Type"))
	if mt != "multipart/alternative" {
		t.Fatalf("HTML message: %q", mt)
	}
	alt := multipart.NewReader(msg.Body, params["boundary"])
	for _, want := range []string{"Plain\n", "<p>Rich</p>\n"} { // CRLF, as the server's reader gives it
		if _, b := rawPart(t, alt); string(b) != want {
			t.Errorf("part %q, want %q", b, want)
		}
	}
}

// TestSMTPSendRefusesBadParts: an attachment without a name or with a
// broken type, or a malformed Message-ID, is refused and nothing is sent.
func TestSMTPSendRefusesBadParts(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	ok := mail.Attachment{Filename: "a.ics", ContentType: "text/calendar", Data: []byte("x")}
	for _, m := range []mail.Message{
		{Attachments: []mail.Attachment{{Filename: "", ContentType: "text/plain"}}},
		{Attachments: []mail.Attachment{{Filename: "a\r\nBcc: evil@example.org", ContentType: "text/plain"}}},
		{Attachments: []mail.Attachment{{Filename: "a.txt", ContentType: "text/"}}},
		{Attachments: []mail.Attachment{ok}, MessageID: "no-at-sign"},
		{MessageID: "a@b>\r\nBcc: evil@example.org"},
	} {
		m.To, m.Subject, m.Body = "a@example.org", "x", "x"
		if err := s.Send(context.Background(), m); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("Send(%+v) = %v, want an Invalid problem", m, err)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}

// TestSMTPSendListHeaders: a message's own header fields (a list's
// unsubscribe address and RFC 8058's one-click POST) arrive as written; a
// field that would forge one compose writes, or break the header, is
// refused before anything is sent.
func TestSMTPSendListHeaders(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	unsub := "<https://doorway.test/series/unsubscribe/abc.def>"
	m := mail.Message{To: "reader@example.org", Subject: "Chapter 1", Body: "Hello\n", HTML: "<p>Hello</p>",
		Headers: []mail.Header{{Name: "List-Unsubscribe", Value: unsub}, {Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"}}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].Header.Get("List-Unsubscribe") != unsub || got[0].Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("headers received: %v", got[0].Header)
	}
	for _, h := range []mail.Header{{Name: "From", Value: "x@example.org"}, {Name: "Message-ID", Value: "<a@b>"},
		{Name: "X-Note", Value: "one\r\nBcc: victim@example.org"}, {Name: "Bad Name", Value: "v"}, {Name: "", Value: "v"},
		{Name: "X-Note", Value: "zoë"}} {
		m := mail.Message{To: "reader@example.org", Subject: "s", Body: "b", Headers: []mail.Header{h}}
		if err := s.Send(context.Background(), m); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("header %q: %v, want Invalid", h.Name, err)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want only the first", n)
	}
}
