package web

import (
	"fmt"
	"net/http"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/web/view"
)

// The clinic's outbox, for its admins (practice.Outbox).

func (s *Server) outboxRoutes() []Route {
	return []Route{
		{"GET", "/admin/outbox", StaffOnly, s.showOutbox},
		{"POST", "/admin/outbox/{job}/retry", StaffOnly, s.doRetryJob},
	}
}

// mailWords names each kind of scheduled work as the outbox says it.
var mailWords = map[string]string{
	practice.KindSessionReminder: "Session reminder",
	practice.KindBookingMail:     "Session booked, with calendar file",
	practice.KindCancelMail:      "Session cancelled, with calendar file",
	practice.KindMeasureDue:      "Questionnaire ready",
	practice.KindPromptOpen:      "Reflection prompts open",
	practice.KindSeriesConfirm:   "Article series: confirm the address",
	practice.KindSeriesChapter:   "Article series: an article",
	practice.KindSweep:           "Hourly look for reminders",
}

func mailWord(kind string) string {
	if w, ok := mailWords[kind]; ok {
		return w
	}
	return kind
}

// recipientWord is whom a message is for, as the outbox may say it: a
// person's name, and a reader of the series never by their address.
func recipientWord(name string, reader bool) string {
	switch {
	case reader:
		return "a reader of the article series"
	case name == "":
		return "someone no longer here"
	}
	return name
}

func (s *Server) showOutbox(w http.ResponseWriter, r *http.Request) {
	ob, err := s.app.Outbox(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, "outbox", "", err)
		return
	}
	tf := s.timeFormat(r)
	ov := view.OutboxView{Sending: ob.Sending, Readers: ob.Readers}
	attempts := func(n int) string {
		if n == 1 {
			return "1 attempt"
		}
		return fmt.Sprintf("%d attempts", n)
	}
	for _, j := range ob.Waiting {
		row := view.OutboxJobRow{ID: j.Job.ID, When: view.When(j.Job.RunAt, tf), What: mailWord(j.Job.Kind), To: recipientWord(j.To, j.Reader)}
		if j.Job.LastError != "" {
			row.Attempts, row.Error = attempts(j.Job.Attempts), j.Job.LastError
		}
		ov.Waiting = append(ov.Waiting, row)
	}
	for _, j := range ob.Failed {
		row := view.OutboxJobRow{ID: j.Job.ID, What: mailWord(j.Job.Kind), To: recipientWord(j.To, j.Reader),
			Attempts: attempts(j.Job.Attempts), Error: j.Job.LastError}
		if j.Job.FailedAt != nil {
			row.When = view.When(*j.Job.FailedAt, tf)
		}
		ov.Failed = append(ov.Failed, row)
	}
	for _, m := range ob.Messages {
		ov.Messages = append(ov.Messages, view.OutboxMessageRow{When: view.When(m.CreatedAt, tf), What: mailWord(m.Kind),
			To: recipientWord(ob.Names[m.UserID], m.UserID == ""), Subject: m.Subject, Sent: m.Sent,
			Text: strings.TrimSpace(m.Text), Attachment: m.Attachment})
	}
	p := s.page(r, "Outbox", "/admin/outbox")
	if r.URL.Query().Get("retried") != "" {
		p.Flash, p.FlashKind = "It will be tried again within a few seconds.", "ok"
	}
	s.render(w, r, http.StatusOK, view.Outbox(p, ov))
}

func (s *Server) doRetryJob(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RetryJob(r.Context(), s.actor(r), r.PathValue("job")); err != nil {
		s.failDenied(w, r, "job", r.PathValue("job"), err)
		return
	}
	http.Redirect(w, r, "/admin/outbox?retried=1", http.StatusSeeOther)
}
