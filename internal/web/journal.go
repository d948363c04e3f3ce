package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"doorway/internal/integration"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
	"doorway/internal/workbook"
)

// The client's journal in the portal, comfortable on a phone the morning
// after a session: entries, the reflection prompts after each medicine
// session, drafts kept as they type, and sharing by entry; and the shared
// entries a care team reads.

func (s *Server) journalRoutes() []Route {
	return []Route{
		{"GET", "/portal/journal", ClientOnly, s.showJournal},
		{"GET", "/portal/journal/write", ClientOnly, s.showJournalWrite},
		{"POST", "/portal/journal", ClientOnly, s.doJournal},
		{"POST", "/portal/journal/draft", ClientOnly, s.doJournalDraft},
		{"GET", "/portal/journal/{entry}", ClientOnly, s.showJournalEntry},
		{"POST", "/portal/journal/{entry}/share", ClientOnly, s.doJournalShare},
		{"GET", "/clients/{id}/journal", StaffOnly, s.showSharedJournal},
	}
}

// promptWords names the prompt set an entry answered, for the list.
func promptWords(key string) string {
	_, set, ok := strings.Cut(key, ":")
	if !ok {
		return ""
	}
	if ps, ok := integration.SetByKey(set); ok {
		return ps.Title
	}
	return ""
}

// preview is the start of an entry, for the list.
func preview(body string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(body), "\n")
	if utf8.RuneCountInString(line) > 140 {
		line = string([]rune(line)[:140]) + "…"
	}
	return line
}

// paragraphs splits an entry into what it shows as paragraphs.
func paragraphs(body string) []string {
	var out []string
	for _, p := range strings.Split(body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// draftLabel says what a draft was for.
func draftLabel(key string) (label, href string) {
	switch {
	case key == "new":
		return "A new entry", "/portal/journal/write"
	case strings.HasPrefix(key, "entry:"):
		return "Changes to an entry", "/portal/journal/write?entry=" + strings.TrimPrefix(key, "entry:")
	case strings.HasPrefix(key, "prompt:"):
		pk := strings.TrimPrefix(key, "prompt:")
		return "Reflection: " + promptWords(pk), "/portal/journal/write?prompt=" + pk
	case strings.HasPrefix(key, "workbook:"):
		if p, ok := workbook.PromptByID(strings.TrimPrefix(key, "workbook:")); ok {
			return "Workbook, chapter " + strconv.Itoa(p.Chapter) + ": " + preview(p.Text), portalChapterPath(p.Chapter) + "#" + view.PromptAnchor(p.ID)
		}
	}
	return "A draft", "/portal/journal"
}

func (s *Server) showJournal(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	j, err := s.app.MyJournal(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, "journal", v.P.ClientID, err)
		return
	}
	tf := s.timeFormat(r)
	jv := view.JournalView{Couple: j.Couple, Caution: integration.CoupleCaution}
	for _, e := range j.Entries {
		jv.Entries = append(jv.Entries, view.JournalRow{ID: e.ID, When: view.When(e.CreatedAt, tf), Preview: preview(e.Body),
			Prompt: promptWords(e.PromptKey), Shared: e.Shared()})
	}
	for _, pr := range j.Prompts {
		jv.Prompts = append(jv.Prompts, view.PromptRow{Title: pr.Set.Title, Href: "/portal/journal/write?prompt=" + pr.Key(), Until: view.When(pr.ClosesAt, tf)})
	}
	for _, d := range j.Drafts {
		label, href := draftLabel(d.Key)
		jv.Drafts = append(jv.Drafts, view.DraftRow{Label: label, Href: href, When: view.When(d.UpdatedAt, tf)})
	}
	s.render(w, r, http.StatusOK, view.Journal(s.page(r, "My journal", "/portal"), jv))
}

// writeView is the page an entry is written on, for a new entry, an
// answer to a prompt set (?prompt=) or an edit (?entry=).
func (s *Server) writeView(r *http.Request, entryID, promptKey string) (view.JournalWriteView, error) {
	wv := view.JournalWriteView{EntryID: entryID, PromptKey: promptKey, DraftKey: "new", Title: "A new entry"}
	ctx, a := r.Context(), s.actor(r)
	switch {
	case entryID != "":
		e, err := s.app.JournalEntry(ctx, a, entryID)
		if err != nil {
			return wv, err
		}
		wv.Title, wv.DraftKey, wv.Body, wv.PromptKey = "Edit an entry", "entry:"+e.ID, e.Body, ""
	case promptKey != "":
		_, setKey, _ := strings.Cut(promptKey, ":")
		set, ok := integration.SetByKey(setKey)
		if !ok {
			return wv, problem.New(problem.NotFound, "Those prompts were not found.")
		}
		wv.Title, wv.Intro, wv.Prompts, wv.DraftKey = set.Title, set.Intro, set.Prompts, "prompt:"+promptKey
	}
	d, err := s.app.Draft(ctx, a, wv.DraftKey)
	if err != nil {
		return wv, err
	}
	if d.Body != "" && d.Body != wv.Body {
		wv.Body, wv.Restored = d.Body, "Your unsaved words from "+view.When(d.UpdatedAt, s.timeFormat(r))+" are back."
	}
	return wv, nil
}

func (s *Server) showJournalWrite(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	wv, err := s.writeView(r, q.Get("entry"), q.Get("prompt"))
	if err != nil {
		s.failDenied(w, r, "journal_entry", q.Get("entry"), err)
		return
	}
	s.render(w, r, http.StatusOK, view.JournalWrite(s.page(r, wv.Title, "/portal"), wv))
}

func (s *Server) doJournal(w http.ResponseWriter, r *http.Request) {
	in := practice.JournalInput{ID: r.PostFormValue("entry"), PromptKey: r.PostFormValue("prompt"), Body: r.PostFormValue("body"), DraftKey: r.PostFormValue("draft")}
	e, err := s.app.WriteJournal(r.Context(), s.actor(r), in)
	if err != nil {
		if problem.CodeOf(err) == problem.Invalid {
			wv, verr := s.writeView(r, in.ID, in.PromptKey)
			if verr != nil {
				s.failDenied(w, r, "journal_entry", in.ID, verr)
				return
			}
			wv.Body, wv.Restored = in.Body, ""
			wv.Errors = view.FieldErrors{"body": problem.MessageOf(err)}
			s.render(w, r, http.StatusBadRequest, view.JournalWrite(s.page(r, wv.Title, "/portal"), wv))
			return
		}
		s.failDenied(w, r, "journal_entry", in.ID, err)
		return
	}
	http.Redirect(w, r, "/portal/journal/"+e.ID+"?saved=1", http.StatusSeeOther)
}

// doJournalDraft keeps a draft as the client types (the page's script).
func (s *Server) doJournalDraft(w http.ResponseWriter, r *http.Request) {
	err := s.app.SaveDraft(r.Context(), s.actor(r), r.PostFormValue("draft"), r.PostFormValue("body"))
	switch {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case problem.CodeOf(err) == problem.Invalid:
		http.Error(w, problem.MessageOf(err), http.StatusBadRequest)
	default:
		s.failDenied(w, r, "journal", "", err)
	}
}

func (s *Server) entryView(e store.JournalEntry, r *http.Request) view.JournalEntryView {
	tf := s.timeFormat(r)
	return view.JournalEntryView{ID: e.ID, When: view.When(e.CreatedAt, tf), Prompt: promptWords(e.PromptKey), Body: paragraphs(e.Body), Shared: e.Shared()}
}

func (s *Server) showJournalEntry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("entry")
	e, err := s.app.JournalEntry(r.Context(), s.actor(r), id)
	if err != nil {
		s.failDenied(w, r, "journal_entry", id, err)
		return
	}
	p := s.page(r, "Journal entry", "/portal")
	switch r.URL.Query().Get("saved") {
	case "1":
		p.Flash, p.FlashKind = "Your entry is saved.", "ok"
	case "shared":
		p.Flash, p.FlashKind = "Your care team can now read this entry.", "ok"
	case "private":
		p.Flash, p.FlashKind = "This entry is private again: your care team no longer sees it.", "ok"
	}
	s.render(w, r, http.StatusOK, view.JournalEntry(p, s.entryView(e, r)))
}

func (s *Server) doJournalShare(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("entry")
	share := r.PostFormValue("share") == "1"
	if err := s.app.ShareJournalEntry(r.Context(), s.actor(r), id, share); err != nil {
		s.failDenied(w, r, "journal_entry", id, err)
		return
	}
	saved := "private"
	if share {
		saved = "shared"
	}
	http.Redirect(w, r, "/portal/journal/"+id+"?saved="+saved, http.StatusSeeOther)
}

func (s *Server) showSharedJournal(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, entries, err := s.app.SharedJournal(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	sv := view.SharedJournalView{ClientID: c.ID, ClientName: c.DisplayName()}
	for _, e := range entries {
		sv.Entries = append(sv.Entries, s.entryView(e, r))
	}
	s.render(w, r, http.StatusOK, view.SharedJournal(s.page(r, "Shared journal: "+c.DisplayName(), "/caseload"), sv))
}
