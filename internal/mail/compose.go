package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/problem"
)

// maxLine is SMTP's limit on a line, CRLF excluded (RFC 5321 §4.5.3.1.6).
const maxLine = 998

// compose writes m from the address from, dated date, as the DATA of an SMTP
// transaction: headers and body with CRLF line ends.
//
// A plain message with nothing else goes as it always has, text/plain in
// 8bit, so its text (links included) reads the same on the wire; only a
// line too long for SMTP makes it quoted-printable. Everything in a
// multipart message is quoted-printable (text) or base64 (attachments), so
// the message is 7-bit and no line is long whatever the content.
func compose(m Message, from string, date time.Time) ([]byte, error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, problem.New(problem.Invalid, "an email address or subject may not contain line breaks")
	}
	id := m.MessageID
	if id == "" {
		var b [16]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:]) + "@" + domainOf(from)
	}
	if strings.ContainsAny(id, "<> \t\r\n") || !strings.Contains(id, "@") {
		return nil, problem.New(problem.Invalid, "a Message-ID looks like left@right, without spaces or angle brackets")
	}
	for _, h := range m.Headers {
		if err := checkHeader(h); err != nil {
			return nil, err
		}
	}

	var buf bytes.Buffer
	header := func(name, value string) { buf.WriteString(fold(name + ": " + value)) }
	header("From", from)
	header("To", m.To)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+id+">")
	for _, h := range m.Headers {
		header(h.Name, h.Value)
	}
	header("MIME-Version", "1.0")

	if m.HTML == "" && len(m.Attachments) == 0 && plainIs8bitSafe(m.Body) {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "8bit")
		buf.WriteString("\r\n")
		buf.WriteString(crlf(m.Body))
		return buf.Bytes(), nil
	}
	text, writeText := textEntity(m)
	if len(m.Attachments) == 0 {
		header("Content-Type", text.Get("Content-Type"))
		if cte := text.Get("Content-Transfer-Encoding"); cte != "" {
			header("Content-Transfer-Encoding", cte)
		}
		buf.WriteString("\r\n")
		if err := writeText(&buf); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	mixed := multipart.NewWriter(&buf)
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed.Boundary()}))
	// A line for readers that know no MIME, as RFC 2046 §5.1.1 suggests.
	buf.WriteString("\r\nThis is a message in MIME format.\r\n")
	pw, err := mixed.CreatePart(text)
	if err != nil {
		return nil, err
	}
	if err := writeText(pw); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		if err := writeAttachment(mixed, a); err != nil {
			return nil, err
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ownHeaders are the fields compose writes itself; a message's own Headers
// may not repeat them.
var ownHeaders = map[string]bool{"from": true, "to": true, "subject": true, "date": true, "message-id": true,
	"mime-version": true, "content-type": true, "content-transfer-encoding": true}

// checkHeader refuses a field that would break the header or forge one
// compose writes: a name that is not an RFC 5322 field name, a value with a
// line break or a byte outside printable ASCII.
func checkHeader(h Header) error {
	if h.Name == "" || ownHeaders[strings.ToLower(h.Name)] {
		return problem.New(problem.Invalid, "a message may not set the header field %q", h.Name)
	}
	for _, r := range h.Name {
		if r <= ' ' || r > '~' || r == ':' {
			return problem.New(problem.Invalid, "%q is not a header field name", h.Name)
		}
	}
	for _, r := range h.Value {
		if r < ' ' && r != '\t' || r > '~' {
			return problem.New(problem.Invalid, "the %s header field may hold only printable ASCII on one line", h.Name)
		}
	}
	return nil
}

// textEntity is the text of m as one MIME entity: its header, and a
// function that writes its body. Plain text alone is text/plain; with HTML
// it is multipart/alternative, the plain text first and the HTML last
// (RFC 2046 §5.1.4: the last is the one the sender prefers).
func textEntity(m Message) (textproto.MIMEHeader, func(io.Writer) error) {
	if m.HTML == "" {
		return qpHeader("text/plain; charset=utf-8"), func(w io.Writer) error { return writeQP(w, m.Body) }
	}
	boundary := multipart.NewWriter(io.Discard).Boundary()
	h := textproto.MIMEHeader{"Content-Type": {mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary})}}
	return h, func(w io.Writer) error {
		alt := multipart.NewWriter(w)
		if err := alt.SetBoundary(boundary); err != nil {
			return err
		}
		for _, part := range []struct{ ct, text string }{
			{"text/plain; charset=utf-8", m.Body},
			{"text/html; charset=utf-8", m.HTML},
		} {
			pw, err := alt.CreatePart(qpHeader(part.ct))
			if err != nil {
				return err
			}
			if err := writeQP(pw, part.text); err != nil {
				return err
			}
		}
		return alt.Close()
	}
}

func qpHeader(contentType string) textproto.MIMEHeader {
	return textproto.MIMEHeader{"Content-Type": {contentType}, "Content-Transfer-Encoding": {"quoted-printable"}}
}

// writeQP writes text quoted-printable (RFC 2045 §6.7), its line breaks as
// CRLF, ending with a line break.
func writeQP(w io.Writer, text string) error {
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(text)); err != nil {
		return err
	}
	return qp.Close()
}

// writeAttachment adds a as a base64 part with lines of 76 characters
// (RFC 2045 §6.8).
func writeAttachment(top *multipart.Writer, a Attachment) error {
	ct, params, err := mime.ParseMediaType(a.ContentType)
	if err != nil {
		return problem.New(problem.Invalid, "an attachment's content type %q is not a media type", a.ContentType)
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
	if a.Filename == "" || disposition == "" || strings.ContainsAny(a.Filename, "\r\n") {
		return problem.New(problem.Invalid, "an attachment needs a file name without line breaks")
	}
	pw, err := top.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(ct, params)},
		"Content-Disposition":       {disposition},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(a.Data)
	for len(enc) > 76 {
		if _, err := fmt.Fprintf(pw, "%s\r\n", enc[:76]); err != nil {
			return err
		}
		enc = enc[76:]
	}
	_, err = fmt.Fprintf(pw, "%s\r\n", enc)
	return err
}

// plainIs8bitSafe reports whether text may go as 8bit: valid UTF-8 with no
// NUL, no bare CR, and no line longer than SMTP allows.
func plainIs8bitSafe(text string) bool {
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) || strings.Contains(strings.ReplaceAll(text, "\r\n", "\n"), "\r") {
		return false
	}
	for line := range strings.Lines(text) {
		if len(strings.TrimRight(line, "\r\n")) > maxLine {
			return false
		}
	}
	return true
}

// crlf turns every line end into CRLF.
func crlf(text string) string {
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
}

// fold writes one header field, folded at spaces so that lines stay under
// 78 characters where they can (RFC 5322 §2.2.3), ending with CRLF.
func fold(field string) string {
	var b strings.Builder
	for len(field) > 78 {
		cut := strings.LastIndexByte(field[:78], ' ')
		if cut <= 0 || strings.IndexByte(field, ':') > cut {
			break // nowhere to fold: one long line is still legal up to 998
		}
		b.WriteString(field[:cut])
		b.WriteString("\r\n")
		field = field[cut:] // the space begins the continuation line
	}
	b.WriteString(field)
	b.WriteString("\r\n")
	return b.String()
}

// domainOf is the domain of a sender address, for Message-IDs.
func domainOf(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		from = a.Address
	}
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		return from[i+1:]
	}
	return "doorway.invalid"
}
