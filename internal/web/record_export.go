package web

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"time"

	"doorway/internal/export"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// A client's whole record to take away (practice.ExportRecord): from the
// portal, their own; from the chart, a client in the viewer's scope. As a
// PDF to read, laid out here, and as a FHIR Bundle, written by the FHIR
// API's own mapping (Config.RecordBundle).

func (s *Server) recordExportRoutes() []Route {
	return []Route{
		{"GET", "/portal/record", ClientOnly, s.showPortalRecord},
		{"GET", "/portal/record.pdf", ClientOnly, s.downloadRecordPDF},
		{"GET", "/portal/record.json", ClientOnly, s.downloadRecordFHIR},
		{"GET", "/clients/{id}/record.pdf", StaffOnly, s.downloadRecordPDF},
		{"GET", "/clients/{id}/record.json", StaffOnly, s.downloadRecordFHIR},
	}
}

func (s *Server) showPortalRecord(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, view.PortalRecord(s.page(r, "A copy of your record", "/portal")))
}

// downloadRecordPDF sends the record as a PDF: the client's own from the
// portal, the client the path names from the chart.
func (s *Server) downloadRecordPDF(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	id := r.PathValue("id")
	rec, err := s.app.ExportRecord(r.Context(), s.actor(r), id, practice.ExportPDF)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	var buf bytes.Buffer
	if err := export.BookPDF(&buf, recordBook(rec, s.timeFormat(r), s.cfg.Demo || v.Clinic.Demo)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	// The file name says what it is, not who: names stay out of downloads' metadata.
	w.Header().Set("Content-Disposition", `attachment; filename="health-record.pdf"`)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes()) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

// downloadRecordFHIR streams the record as a FHIR Bundle (type
// collection). The export is recorded before the first byte; a failure
// after it can only cut the file short, and is logged.
func (s *Server) downloadRecordFHIR(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.cfg.RecordBundle == nil {
		s.notFound(w, r)
		return
	}
	a := s.actor(r)
	rec, err := s.app.ExportRecord(r.Context(), a, id, practice.ExportFHIR)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	w.Header().Set("Content-Disposition", `attachment; filename="health-record.json"`)
	w.WriteHeader(http.StatusOK)
	if err := s.cfg.RecordBundle(w, s.baseURL(r)+"/fhir/r4", a, rec.ClientRecords, rec.Generated); err != nil && r.Context().Err() == nil {
		s.log.Error("record export cut short", "request_id", requestID(r.Context()), "err", err)
	}
}

// recordBook words a client's record for the PDF: a part for each kind of
// record, each saying when there is nothing of its kind.
func recordBook(rec practice.RecordExport, tf timefmt.Format, demo bool) export.Book {
	cl := rec.Client
	when := func(t time.Time) string { return view.When(t, tf) }
	day := func(t time.Time) string { return dateText(t, tf) }
	clock := func(t time.Time) string { return tf.Time(t) }
	name := func(id string) string {
		if n := rec.StaffNames[id]; n != "" {
			return n
		}
		if id == cl.UserID {
			return cl.DisplayName()
		}
		return "—"
	}
	fig := func(label, value string) export.Figure { return export.Figure{Label: label, Value: value} }

	b := export.Book{Title: "Health record", ClinicName: rec.Clinic.Name, ClientName: cl.DisplayName(), Generated: rec.Generated, Demo: demo}
	if cl.DateOfBirth != "" {
		b.Facts = append(b.Facts, "Date of birth "+cl.DateOfBirth)
	}
	b.Facts = append(b.Facts, rec.Clinic.Name, "Made "+when(rec.Generated))
	b.Intro = []string{
		"This is the record " + rec.Clinic.Name + " keeps of your care: everything in it that is yours to see, as it stood when this copy was made.",
		"Not included: a therapist's private psychotherapy notes, which the law keeps apart from your record.",
	}
	if rec.OwnExport {
		b.Intro = append(b.Intro, "Your journal is at the end, every entry, shared or not: it is yours.")
	} else {
		b.Intro = append(b.Intro, "Made by the clinic at your request. Of your journal it holds only the entries you shared with your care team; the rest is yours alone.")
	}

	// About you.
	about := export.Section{Title: "Your details", Pairs: []export.Figure{fig("Name", cl.DisplayName())}}
	if cl.DateOfBirth != "" {
		about.Pairs = append(about.Pairs, fig("Date of birth", cl.DateOfBirth))
	}
	about.Pairs = append(about.Pairs, fig("E-mail", orDashText(cl.Email)), fig("Phone", orDashText(cl.Phone)),
		fig("Client since", day(cl.CreatedAt)))
	b.Chapters = append(b.Chapters, export.Chapter{Title: "About you", Sections: []export.Section{about}})

	// Courses, goals, consents, orders.
	var care []export.Section
	for _, co := range rec.Courses {
		sec := export.Section{Title: "Course from " + day(co.StartedAt), Pairs: []export.Figure{fig("Phase now", co.State.Label())}}
		if co.EndedAt != nil {
			sec.Pairs = append(sec.Pairs, fig("Ended", day(*co.EndedAt)))
		} else if co.PlannedEndAt != nil {
			sec.Pairs = append(sec.Pairs, fig("Planned to end", day(*co.PlannedEndAt)))
		}
		care = append(care, sec)
	}
	if len(rec.Goals) > 0 {
		t := &export.Table{Head: []string{"Written", "Goal or intention", "Status"}, Cols: []float64{0, 90, 390}}
		for _, g := range rec.Goals {
			status := g.Status
			if g.StatusAt != nil {
				status += ", " + day(*g.StatusAt)
			}
			t.Rows = append(t.Rows, export.TableRow{Cells: []string{day(g.CreatedAt), g.Text, status}})
		}
		care = append(care, export.Section{Title: "Goals and intentions", Table: t})
	}
	b.Chapters = append(b.Chapters, export.Chapter{Title: "Your courses and goals", Sections: care, Empty: "No course has begun yet."})

	var consents []export.Section
	if len(rec.Consents) > 0 {
		t := &export.Table{Head: []string{"Document", "Version", "Signed", "Withdrawn"}, Cols: []float64{0, 230, 290, 400}}
		for _, c := range rec.Consents {
			withdrawn := "—"
			if c.Signature.WithdrawnAt != nil {
				withdrawn = day(*c.Signature.WithdrawnAt)
			}
			t.Rows = append(t.Rows, export.TableRow{Cells: []string{c.Document.Title, fmt.Sprint(c.Signature.Version),
				when(c.Signature.SignedAt) + " as " + c.Signature.TypedName, withdrawn}})
		}
		consents = append(consents, export.Section{Title: "Consents you signed", Table: t})
	}
	if len(rec.DosingOrders) > 0 {
		t := &export.Table{Head: []string{"Version", "Order", "Written"}, Cols: []float64{0, 55, 330}}
		for _, o := range rec.DosingOrders {
			by := o.WrittenByName
			if by == "" {
				by = name(o.WrittenBy)
			}
			t.Rows = append(t.Rows, export.TableRow{Cells: []string{fmt.Sprint(o.Version), o.Order.String(), day(o.WrittenAt) + " by " + by}})
		}
		consents = append(consents, export.Section{Title: "Dosing orders", Table: t})
	}
	b.Chapters = append(b.Chapters, export.Chapter{Title: "Consents and dosing orders", Sections: consents, Empty: "Nothing signed or ordered yet."})

	// Sessions: the list, then each medicine session's record.
	var sessions []export.Section
	if len(rec.Appointments) > 0 {
		t := &export.Table{Head: []string{"Date", "Session", "Status"}, Cols: []float64{0, 190, 340}}
		for _, ap := range rec.Appointments {
			t.Rows = append(t.Rows, export.TableRow{Cells: []string{tf.DateTime(ap.StartsAt), ap.Kind.Label(), ap.Status}})
		}
		sessions = append(sessions, export.Section{Title: "Booked sessions", Table: t})
	}
	for _, ap := range rec.Appointments {
		sr, ok := rec.SessionRecords[ap.ID]
		if !ok || sr.Session.Dose == nil && sr.Session.Discharge == nil {
			continue
		}
		m := sr.Session
		sec := export.Section{Title: "Medicine session, " + day(ap.StartsAt), Pairs: []export.Figure{fig("State", m.State.Label())}}
		if d := m.Dose; d != nil {
			sec.Pairs = append(sec.Pairs, fig("Dose", d.Mg.String()+", "+d.Route.Label()+" ("+d.Route.Drug()+")"),
				fig("Given", when(d.GivenAt)+" by "+name(d.GivenBy)))
		}
		for _, e := range sr.AdverseEvents {
			sec.Pairs = append(sec.Pairs, fig("Side effect or event", clock(e.At)+": "+e.Kind.Label()+" ("+string(e.Severity)+")"))
		}
		if d := m.Discharge; d != nil {
			sec.Pairs = append(sec.Pairs, fig("Went home", when(d.At)+" with "+d.ReleasedTo))
		}
		if m.Locked() {
			sec.Pairs = append(sec.Pairs, fig("Signed", when(*m.SignedAt)+" by "+name(m.SignedBy)))
		}
		for _, a := range sr.Addenda {
			sec.Notes = append(sec.Notes, "Addendum, "+when(a.At)+", "+orDashText(a.ByName)+": "+a.Body)
		}
		vs := vitalsSection(sr, 0, name, clock, when)
		vs.Title = "Vital signs, " + day(ap.StartsAt)
		sessions = append(sessions, sec, vs)
	}
	b.Chapters = append(b.Chapters, export.Chapter{Title: "Your sessions", Sections: sessions, Empty: "No session has been booked yet."})

	// Questionnaires, one table per instrument.
	byInstrument := map[string][]store.Response{}
	var ids []string
	for _, r := range rec.Responses {
		if _, seen := byInstrument[r.InstrumentID]; !seen {
			ids = append(ids, r.InstrumentID)
		}
		byInstrument[r.InstrumentID] = append(byInstrument[r.InstrumentID], r)
	}
	sort.Strings(ids)
	var answers []export.Section
	for _, id := range ids {
		title := id
		in, known := measures.ByID(id)
		if known {
			title = in.Title
		}
		t := &export.Table{Head: []string{"Completed", "Total", "Band", "How"}, Cols: []float64{0, 150, 210, 350}}
		for _, r := range byInstrument[id] {
			total, band := "—", "—"
			if r.HasTotal {
				total = fmt.Sprint(r.Total)
				if known {
					if bd, ok := in.BandFor(r.Total); ok {
						band = bd.Label
					}
				}
			}
			how := "in the portal"
			if r.OnPaper {
				how = "on paper, entered by " + name(r.EnteredBy)
			}
			t.Rows = append(t.Rows, export.TableRow{Cells: []string{when(r.CompletedAt), total, band, how}})
		}
		answers = append(answers, export.Section{Title: title, Table: t})
	}
	b.Chapters = append(b.Chapters, export.Chapter{Title: "Your questionnaires", Sections: answers, Empty: "No questionnaire has been completed yet."})

	// Notes of preparation sessions.
	var notes []export.Section
	for _, n := range rec.PrepNotes {
		title := "Preparation session, " + day(n.OccurredAt)
		if n.AddendumTo != "" {
			title = "Addendum, " + day(n.SignedAt)
		}
		notes = append(notes, export.Section{Title: title, Pairs: []export.Figure{fig("Written by", name(n.AuthorID)+", signed "+when(n.SignedAt))},
			Notes: paragraphs(n.Body)})
	}
	b.Chapters = append(b.Chapters, export.Chapter{Title: "Notes of your preparation sessions", Sections: notes, Empty: "No preparation session has been written up yet."})

	// The journal.
	var journal []export.Section
	for _, e := range rec.Journal {
		title := when(e.CreatedAt)
		if e.Shared() {
			title += " (shared with your care team)"
		}
		journal = append(journal, export.Section{Title: title, Notes: paragraphs(e.Body)})
	}
	empty := "You have not written in your journal."
	if !rec.OwnExport {
		empty = "No journal entry is shared with the care team."
	}
	b.Chapters = append(b.Chapters, export.Chapter{Title: "Your journal", Sections: journal, Empty: empty})
	return b
}
