package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"doorway/internal/auth"
	"doorway/internal/mail"
	"doorway/internal/mail/mailtest"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/web"
)

// TestStaffInvitationIsEmailed: with SMTP configured, the admin's invitation
// goes out by email through a real SMTP conversation, the page says so
// without showing the link, and the emailed link lets the newcomer choose a
// password and sign in.
func TestStaffInvitationIsEmailed(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir()})
	hasher := auth.NewHasher(1)
	smtp := mailtest.Start(t)
	sender, err := mail.Parse(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}

	// An admin with a second factor already set up, as admins must have.
	const adminPassword = "a long walk by the river"
	secret, _, err := auth.NewTOTP("lee@clinic.example")
	if err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(ctx, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	clinic := store.Clinic{ID: auth.NewID(), ShortName: "quiet", Name: "Quiet Pines Clinic", TimeZone: "America/Chicago", CreatedAt: now}
	admin := store.User{ID: auth.NewID(), ClinicID: clinic.ID, Email: "lee@clinic.example", Name: "Lee Park", Kind: "staff",
		PasswordHash: hash, Roles: []store.Role{store.RoleAdmin}, CreatedAt: now}
	err = st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateClinic(ctx, &clinic); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, &admin); err != nil {
			return err
		}
		return tx.SetTOTP(ctx, admin.ID, secret, &now)
	})
	if err != nil {
		t.Fatal(err)
	}

	site := httptest.NewServer(web.New(web.Config{Practice: practice.New(practice.Config{Store: st, Hasher: hasher, Mailer: sender})}).Handler())
	t.Cleanup(site.Close)

	// The admin signs in with password and code.
	lee := newBrowser(t, site.URL)
	lee.post("/login", url.Values{"email": {admin.Email}, "password": {adminPassword}}, "/login/code")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	lee.post("/login/code", url.Values{"code": {code}}, "/admin/staff")

	// The invitation.
	const newcomer = "casey@clinic.example"
	page := lee.post("/admin/staff", url.Values{"name": {"Casey Morgan"}, "email": {newcomer}, "roles": {"therapist"}}, "/admin/staff")
	if !strings.Contains(page, "An email with a one-time link is on its way to Casey Morgan.") {
		t.Errorf("the staff page does not say an email is on its way:\n%s", page)
	}
	if strings.Contains(page, "/invite/") {
		t.Error("the staff page shows the invitation link although it was emailed")
	}

	msgs := smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != newcomer || m.Header.Get("To") != newcomer {
		t.Errorf("the invitation went to %v (To: %q), want %s", m.To, m.Header.Get("To"), newcomer)
	}
	if m.From != mailtest.From {
		t.Errorf("the invitation came from %q, want %q", m.From, mailtest.From)
	}
	if m.Subject != "Your invitation to Quiet Pines Clinic" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Body, "Hello Casey Morgan") || !strings.Contains(m.Body, "7 days") {
		t.Errorf("the body does not greet Casey or say how long the link works:\n%s", m.Body)
	}
	link := regexp.MustCompile(`https?://\S+/invite/\S+`).FindString(m.Body)
	if !strings.HasPrefix(link, site.URL+"/invite/") {
		t.Fatalf("no invitation link to %s in the email:\n%s", site.URL, m.Body)
	}

	// The newcomer, in a browser of their own, follows the emailed link.
	casey := newBrowser(t, site.URL)
	if p := casey.get(link, ""); !strings.Contains(p, "Welcome to Doorway") || !strings.Contains(p, newcomer) {
		t.Fatalf("the emailed link opens:\n%s", p)
	}
	const pw = "lanterns over still water"
	casey.post(link, url.Values{"password": {pw}, "confirm": {pw}}, "/login")
	casey.post("/login", url.Values{"email": {newcomer}, "password": {pw}}, "/caseload")

	// The link was for one use.
	if p := newBrowser(t, site.URL).get(link, ""); !strings.Contains(p, "This link does not work") {
		t.Errorf("a used link still opens:\n%s", p)
	}
}

// browser is an HTTP client with its own cookies, following redirects as a
// browser does.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// get fetches a page and, when wantPath is set, checks where it ended up.
func (b *browser) get(target, wantPath string) string {
	b.t.Helper()
	return b.finish("GET "+target, wantPath)(b.c.Get(b.abs(target)))
}

// post sends a form and checks the path of the page it ends on.
func (b *browser) post(target string, form url.Values, wantPath string) string {
	b.t.Helper()
	return b.finish("POST "+target, wantPath)(b.c.PostForm(b.abs(target), form))
}

func (b *browser) abs(target string) string {
	if strings.HasPrefix(target, "/") {
		return b.base + target
	}
	return target
}

func (b *browser) finish(what, wantPath string) func(*http.Response, error) string {
	return func(resp *http.Response, err error) string {
		b.t.Helper()
		if err != nil {
			b.t.Fatalf("%s: %v", what, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			b.t.Fatalf("%s: %v", what, err)
		}
		if wantPath != "" && resp.Request.URL.Path != wantPath {
			b.t.Fatalf("%s ended on %s (status %d), want %s:\n%s", what, resp.Request.URL.Path, resp.StatusCode, wantPath, body)
		}
		return string(body)
	}
}
