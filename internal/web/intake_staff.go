package web

import (
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/intake"
	"doorway/internal/problem"
	"doorway/internal/store"
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
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, team, err := s.clientRecord(ctx, id, access.ClientRecord, access.Read)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	loc := v.Clinic.Location()
	iv := view.StaffIntakeView{ClientID: c.ID, Name: c.DisplayName(), Note: form.Note, Errors: form.Errors}
	var course store.Course
	var in store.Intake
	var ret store.IntakeReturn
	var returned bool
	err = s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if course, iv.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !iv.HasCourse {
			return err
		}
		if in, _, err = tx.CourseIntake(ctx, c.ClinicID, course.ID); err != nil {
			return err
		}
		ret, returned, err = tx.LatestIntakeReturn(ctx, c.ClinicID, course.ID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "intake.read", ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID, Detail: "care team"})
	if iv.HasCourse {
		iv.State = course.State.Label()
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
			iv.Status = "Finished on " + dateText(*in.CompletedAt, loc) + "."
		case done == 0:
			iv.Status = "Not started yet."
		default:
			iv.Status = "In progress: " + strconv.Itoa(done) + " of " + strconv.Itoa(len(iv.Sections)) + " sections saved, last on " + dateText(in.UpdatedAt, loc) + "."
		}
		iv.Meds, iv.DiazepamTotal = medLines(in.Answers.Medications)
		if bmi, ok := in.Answers.BMI(); ok {
			iv.BMI = strconv.FormatFloat(bmi, 'f', 1, 64)
		}
		if returned {
			iv.Returned = returnLine(ret, loc)
		}
		iv.CanReturn = course.State == care.Screening && in.CompletedAt != nil &&
			access.Allow(v.P, access.Write, clinicalResource(c, team))
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
// may change their answers again, and reads the note in their portal. The
// course, the answers and the note change in one transaction.
func (s *Server) doReturnToIntake(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, course, ok := s.clinicalWrite(w, r, access.ClinicalCare)
	if !ok {
		return
	}
	form := view.StaffIntakeView{Note: strings.TrimSpace(r.PostFormValue("note"))}
	now := s.now()
	ret := store.IntakeReturn{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: course.ID, Note: form.Note, By: v.P.UserID, At: now}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if course.State != care.Screening {
			return problem.Invalidf("note", "Only a course waiting for its screening decision can go back to intake; this one is in %s.", course.State.Label())
		}
		if err := tx.SetCourseState(ctx, course, care.Intake, now); err != nil {
			return err
		}
		if err := tx.ReturnToIntake(ctx, &ret); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "intake.return", ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID,
			Detail: "screening -> intake"})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderStaffIntake(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	s.renderStaffIntake(w, r, http.StatusOK, view.StaffIntakeView{}, "The intake is sent back to "+c.DisplayName()+" with your note.")
}
