// Package mailtest runs a small, real SMTP server for tests. It speaks just
// enough of RFC 5321 (greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA with
// dot-termination, RSET, NOOP, QUIT) for Doorway's mail.SMTP to deliver to
// it over a real TCP connection, and it keeps every message it accepts so a
// test can read what was sent. It offers no STARTTLS and no AUTH, so the
// client sends in plain text, which is what a test on 127.0.0.1 wants.
//
// To play an outage, a server can refuse for a while (Refuse: every
// connection is greeted with 421 and closed, as a server under maintenance
// does), and a test can start one on an address that was down until then
// (StartAt).
package mailtest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// From is the sender address in the server's URL.
const From = "clinic@doorway.test"

// Message is one message the server accepted.
type Message struct {
	From string   // the envelope sender (MAIL FROM)
	To   []string // the envelope recipients (RCPT TO)
	// Header holds the message's headers as the client wrote them.
	Header netmail.Header
	// Subject is Header's Subject, for convenience.
	Subject string
	// Body is the text after the headers, with dot-stuffing undone and line
	// ends turned back into "\n".
	Body string
	// Raw is the whole DATA section as received, headers and body.
	Raw string
}

// Server is a running test SMTP server on 127.0.0.1.
type Server struct {
	ln net.Listener

	mu    sync.Mutex
	msgs  []Message
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
	// arrived is closed and replaced whenever a message is stored, so Wait
	// can block without polling.
	arrived chan struct{}
	// refusing makes the server greet with 421 and hang up; refused counts
	// the connections so turned away.
	refusing bool
	refused  int
}

// Start listens on a free port of 127.0.0.1 and serves until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartAt(t, "127.0.0.1:0")
}

// StartAt listens on addr and serves until the test ends: a test reserves
// an address (FreeAddr), lets a sender fail against it while nothing
// listens, and then brings the server up there.
func StartAt(t testing.TB, addr string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{ln: ln, conns: map[net.Conn]struct{}{}, arrived: make(chan struct{})}
	s.wg.Add(1)
	go s.accept(t)
	t.Cleanup(s.close)
	return s
}

// FreeAddr is a host:port of 127.0.0.1 where nothing listens now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// URLFor is an SMTP URL for mail.Parse that sends to addr with From as the
// sender, whether or not a server listens there yet.
func URLFor(addr string) string {
	u := url.URL{Scheme: "smtp", Host: addr, RawQuery: url.Values{"from": {From}}.Encode()}
	return u.String()
}

// Refuse turns refusing on or off: while on, every new connection is
// greeted with "421 try again later" and closed, and nothing is accepted.
func (s *Server) Refuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusing = on
}

// Refused counts the connections turned away while refusing.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is an SMTP URL for mail.Parse that sends through this server, with
// From as the sender.
func (s *Server) URL() string { return URLFor(s.Addr()) }

// Messages returns a copy of the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait returns the messages once at least n have arrived, or fails the test
// after timeout. Senders that deliver in the background need it; a
// synchronous sender's messages are already in Messages when Send returns.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		msgs, arrived := append([]Message(nil), s.msgs...), s.arrived
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-arrived:
		case <-deadline:
			t.Fatalf("mailtest: %d message(s) arrived within %v, want %d", len(msgs), timeout, n)
			return nil
		}
	}
}

func (s *Server) accept(t testing.TB) {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed at the end of the test
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close() // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
			}()
			if err := s.serve(c); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				t.Logf("mailtest: session ended: %v", err)
			}
		}()
	}
}

// close stops listening, cuts any open session and waits for the goroutines,
// so nothing outlives the test.
func (s *Server) close() {
	s.ln.Close() // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
	s.mu.Lock()
	for c := range s.conns {
		c.Close() // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) store(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// serve speaks SMTP on one connection until QUIT or an error.
func (s *Server) serve(c net.Conn) error {
	// A client that stalls must not hang the test suite.
	c.SetDeadline(time.Now().Add(time.Minute)) // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
	tp := textproto.NewConn(c)
	reply := func(code int, text string) error { return tp.PrintfLine("%d %s", code, text) }
	s.mu.Lock()
	refusing := s.refusing
	if refusing {
		s.refused++
	}
	s.mu.Unlock()
	if refusing {
		return reply(421, "4.3.2 doorway.test is not accepting mail now, try again later")
	}
	if err := reply(220, "doorway.test ESMTP mailtest"); err != nil {
		return err
	}
	var from string
	var to []string
	greeted := false
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return err
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			// A multi-line reply: the greeting, then the extensions we have.
			greeted = true
			err = tp.PrintfLine("250-doorway.test greets %s", arg)
			if err == nil {
				err = tp.PrintfLine("250-8BITMIME")
			}
			if err == nil {
				err = reply(250, "SMTPUTF8")
			}
		case "HELO":
			greeted = true
			err = reply(250, "doorway.test")
		case "MAIL":
			addr, ok := pathArg(arg, "FROM:")
			switch {
			case !greeted:
				err = reply(503, "say hello first")
			case !ok:
				err = reply(501, "syntax: MAIL FROM:<address>")
			default:
				from, to = addr, nil
				err = reply(250, "ok")
			}
		case "RCPT":
			addr, ok := pathArg(arg, "TO:")
			switch {
			case from == "":
				err = reply(503, "need MAIL first")
			case !ok || addr == "":
				err = reply(501, "syntax: RCPT TO:<address>")
			default:
				to = append(to, addr)
				err = reply(250, "ok")
			}
		case "DATA":
			if len(to) == 0 {
				err = reply(503, "need RCPT first")
				break
			}
			if err = reply(354, "end with <CRLF>.<CRLF>"); err != nil {
				return err
			}
			// ReadDotBytes undoes dot-stuffing and stops at the lone dot.
			raw, rerr := tp.ReadDotBytes()
			if rerr != nil {
				return rerr
			}
			m, perr := parse(from, to, raw)
			if perr != nil {
				err = reply(554, "cannot parse message: "+perr.Error())
				break
			}
			// Stored before the reply, so a sender's Send has returned only
			// after the message is visible to the test.
			s.store(m)
			from, to = "", nil
			err = reply(250, "queued")
		case "RSET":
			from, to = "", nil
			err = reply(250, "ok")
		case "NOOP":
			err = reply(250, "ok")
		case "QUIT":
			reply(221, "bye") // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
			return nil
		default:
			err = reply(502, "command not implemented")
		}
		if err != nil {
			return err
		}
	}
}

// pathArg reads "FROM:<a@b>" (or "TO:<a@b>"), ignoring ESMTP parameters
// after the path such as BODY=8BITMIME.
func pathArg(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func parse(from string, to []string, raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return Message{}, err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return Message{}, err
	}
	return Message{From: from, To: to, Header: msg.Header, Subject: msg.Header.Get("Subject"), Body: string(body), Raw: string(raw)}, nil
}
