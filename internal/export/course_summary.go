package export

import "time"

// CourseSummary is the summary of a course as a PDF, for the client and
// their therapist at its end: what the course was, the scores over it with
// the medicine sessions marked (the measures report's charts), the
// sessions and their doses, the goals and how they ended, and the client's
// shared reflections when the client agrees. The caller words everything.
type CourseSummary struct {
	ClinicName string
	ClientName string
	// Facts is the line under the client's name.
	Facts     []string
	Generated time.Time
	Demo      bool
	// Opening are the sections before the scores (the course, its sessions).
	Opening []Section
	// Instruments are the scores, one chart and table each.
	Instruments []ReportInstrument
	// Closing are the sections after the scores (the goals).
	Closing []Section
	// Reflections are the client's shared reflections, under ReflectionsTitle;
	// ReflectionsNote says why there are none when there are none.
	ReflectionsTitle string
	Reflections      []Passage
	ReflectionsNote  string
}

// Passage is a piece of the client's own writing: a line saying when and
// what it answered, and its paragraphs.
type Passage struct {
	Heading    string
	Paragraphs []string
}

// CourseSummaryPDF renders a course summary.
func CourseSummaryPDF(s CourseSummary) ([]byte, error) {
	return writePDF("Course summary", s.Generated, Report{ClinicName: s.ClinicName, ClientName: s.ClientName, Demo: s.Demo}, func(w *pdfWriter) error {
		if err := w.heading("Course summary", s.ClientName, s.Facts); err != nil {
			return err
		}
		for _, sec := range s.Opening {
			if err := w.recordSection(sec); err != nil {
				return err
			}
		}
		if len(s.Instruments) > 0 {
			if err := w.need(40); err != nil {
				return err
			}
			if err := w.text("sans-bold", 12, "Scores over the course", 0); err != nil {
				return err
			}
			w.y += 6
		}
		for _, in := range s.Instruments {
			if err := w.section(in); err != nil {
				return err
			}
		}
		for _, sec := range s.Closing {
			if err := w.recordSection(sec); err != nil {
				return err
			}
		}
		return w.passages(s.ReflectionsTitle, s.Reflections, s.ReflectionsNote)
	})
}

// passages writes a titled run of the client's own writing, each passage
// under its heading, its paragraphs kept apart; note stands in for none.
func (w *pdfWriter) passages(title string, ps []Passage, note string) error {
	if title == "" {
		return nil
	}
	if err := w.need(50); err != nil {
		return err
	}
	if err := w.text("sans-bold", 12, title, 0); err != nil {
		return err
	}
	w.y += 3
	if len(ps) == 0 && note != "" {
		w.pdf.SetTextColor(0x55, 0x64, 0x6c)
		defer w.pdf.SetTextColor(0x1f, 0x2a, 0x30)
		return w.text("sans", 9.5, note, 0)
	}
	for _, p := range ps {
		if err := w.need(40); err != nil {
			return err
		}
		if err := w.text("sans-bold", 9.5, p.Heading, 0); err != nil {
			return err
		}
		for _, para := range p.Paragraphs {
			if err := w.text("sans", 9.5, para, 8); err != nil {
				return err
			}
			w.y += 2
		}
		w.y += 8
	}
	return nil
}
