package web

import (
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/intake"
	"doorway/internal/web/view"
)

// The care team's read-only view of a client's intake, every answer opened
// from its seal, with the figures screening reads (each benzodiazepine in
// diazepam-equivalents, and BMI); and sending a course back from screening
// to intake with a note the client reads in the portal.

func (s *Server) showStaffIntake(w http.ResponseWriter, r *http.Request) {
	s.renderStaffIntake(w, r, http.StatusOK, view.StaffIntakeView{}, "")
}

func (s *Server) renderStaffIntake(w http.ResponseWriter, r *http.Request, status int, form view.StaffIntakeView, notice string) {
	id := r.PathValue("id")
	si, err := s.app.StaffIntake(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	c, in := si.Client, si.Intake
	tf := s.timeFormat(r)
	iv := view.StaffIntakeView{ClientID: c.ID, Name: c.DisplayName(), Note: form.Note, Errors: form.Errors, HasCourse: si.HasCourse}
	if si.HasCourse {
		iv.State = si.Course.State.Label()
		done := 0
		for _, sec := range intake.Sections() {
			row := view.IntakeAnswerSection{Title: sec.Title, Saved: in.Answers.Done(sec.ID), Medications: sec.Medications}
			if row.Saved {
				done++
			}
			for _, q := range sec.Questions {
				row.Answers = append(row.Answers, intakeAnswer(q, in.Answers.Values[q.ID]))
			}
			iv.Sections = append(iv.Sections, row)
		}
		switch {
		case in.CompletedAt != nil:
			iv.Status = "Finished on " + dateText(*in.CompletedAt, tf) + "."
		case done == 0:
			iv.Status = "Not started yet."
		default:
			iv.Status = "In progress: " + strconv.Itoa(done) + " of " + strconv.Itoa(len(iv.Sections)) + " sections saved, last on " + dateText(in.UpdatedAt, tf) + "."
		}
		iv.Meds, iv.DiazepamTotal = medLines(in.Answers.Medications)
		if bmi, ok := in.Answers.BMI(); ok {
			iv.BMI = strconv.FormatFloat(bmi, 'f', 1, 64)
		}
		if si.Returned != nil {
			iv.Returned = returnLine(*si.Returned, tf)
		}
		iv.CanReturn = si.CanReturn
	}
	p := s.page(r, "Intake: "+c.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.StaffIntake(p, iv))
}

// intakeAnswer is one question with its answer in words.
func intakeAnswer(q intake.Question, val string) view.IntakeAnswer {
	a := view.IntakeAnswer{Question: q.Label, Answer: val}
	switch {
	case val == "":
		a.Answer, a.Unanswered = "Not answered", true
	case q.Kind == intake.YesNo && val == "yes":
		a.Answer = "Yes"
	case q.Kind == intake.YesNo && val == "no":
		a.Answer = "No"
	case q.Kind == intake.Choice:
		for _, o := range q.Options {
			if o.Value == val {
				a.Answer = o.Label
			}
		}
	case q.Kind == intake.Number && q.Unit != "":
		a.Answer = val + " " + q.Unit
	}
	return a
}

// doReturnToIntake sends a course in screening back to intake: the client
// may change their answers again, and reads the note in their portal.
func (s *Server) doReturnToIntake(w http.ResponseWriter, r *http.Request) {
	form := view.StaffIntakeView{Note: strings.TrimSpace(r.PostFormValue("note"))}
	c, err := s.app.ReturnToIntake(r.Context(), s.actor(r), r.PathValue("id"), form.Note)
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderStaffIntake(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	s.renderStaffIntake(w, r, http.StatusOK, view.StaffIntakeView{}, "The intake is sent back to "+c.DisplayName()+" with your note.")
}
