package export

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"doorway/internal/export/pdftest"
	"doorway/internal/workbook"
)

var testClinic = ClinicContact{Name: "Stillwater Ketamine Therapy", Phone: "(503) 555-0142",
	Email: "hello@stillwater.example", Website: "https://stillwater.example"}

func mustWorkbook(t *testing.T, size PageSize, answers map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if answers == nil {
		err = WorkbookPDF(&buf, testClinic, size)
	} else {
		err = FilledWorkbookPDF(&buf, testClinic, size, answers)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF")
	}
	// DOORWAY_PDF_OUT keeps the files for a person to look at.
	if dir := os.Getenv("DOORWAY_PDF_OUT"); dir != "" {
		name := "workbook-" + string(size)
		if answers != nil {
			name += "-filled"
		}
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestWorkbookPDF reads both page sizes back: the cover's clinic, a
// contents page whose numbers point at the right pages, every chapter
// title and every prompt, and "page n of N" on every page but the cover.
func TestWorkbookPDF(t *testing.T) {
	for _, size := range []PageSize{A4, Letter} {
		t.Run(string(size), func(t *testing.T) {
			pdf := mustWorkbook(t, size, nil)
			pages := pdftest.Pages(t, pdf)
			all := strings.Join(pages, " ")
			n := len(pages)
			t.Logf("%s: %d pages, %d KB", size, n, len(pdf)/1024)

			for _, s := range []string{"The Reflection Workbook", testClinic.Name, testClinic.Phone, testClinic.Email, testClinic.Website, "not medical advice"} {
				if !strings.Contains(pages[0], s) {
					t.Errorf("the cover has no %q: %s", s, pages[0])
				}
			}
			if strings.Contains(pages[0], "page 1 of") {
				t.Error("the cover has a page number")
			}
			for i := 1; i < n; i++ {
				if want := fmt.Sprintf("page %d of %d", i+1, n); !strings.Contains(pages[i], want) {
					t.Errorf("page %d has no %q: …%s", i+1, want, tail(pages[i]))
				}
			}

			contents := pages[1]
			if !strings.HasPrefix(contents, "Contents") {
				t.Errorf("page 2 is not the contents: %.80s", contents)
			}
			last := 2
			for _, c := range workbook.Chapters() {
				m := regexp.MustCompile(regexp.QuoteMeta(fmt.Sprintf("%d %s ", c.Number, c.Title)) + `(\d+)`).FindStringSubmatch(contents)
				if m == nil {
					t.Errorf("the contents do not list chapter %d, %q", c.Number, c.Title)
					continue
				}
				p, _ := strconv.Atoi(m[1])
				if p <= last || p > n {
					t.Errorf("chapter %d is listed on page %d, after page %d of %d", c.Number, p, last, n)
					continue
				}
				last = p
				if want := fmt.Sprintf("CHAPTER %d %s", c.Number, c.Title); !strings.HasPrefix(pages[p-1], want) {
					t.Errorf("page %d, listed for chapter %d, begins %.60q", p, c.Number, pages[p-1])
				}
				for _, pr := range c.Prompts {
					if !strings.Contains(all, pr.Text) {
						t.Errorf("prompt %s is not in the PDF: %q", pr.ID, pr.Text)
					}
				}
				if !strings.Contains(all, "Practice: "+c.Practice.Title) {
					t.Errorf("chapter %d's practice %q is not in the PDF", c.Number, c.Practice.Title)
				}
			}
			if strings.Contains(all, "With your own answers") {
				t.Error("the empty workbook says it has answers")
			}
		})
	}
}

// TestWorkbookPDFPageSizes: each size is the paper it says.
func TestWorkbookPDFPageSizes(t *testing.T) {
	bin := pdftest.Tool(t, "pdfinfo")
	for size, want := range map[PageSize]string{A4: "595 x 842 pts (A4)", Letter: "612 x 792 pts (letter)"} {
		in := filepath.Join(t.TempDir(), "workbook.pdf")
		if err := os.WriteFile(in, mustWorkbook(t, size, nil), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, in).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("%s: pdfinfo says\n%s", size, out)
		}
	}
	if err := WorkbookPDF(&bytes.Buffer{}, testClinic, "b5"); err == nil {
		t.Error("an unknown page size was accepted")
	}
}

// TestWorkbookPDFCoverFields: a clinic that has filled in only some of its
// contact details gets a cover with those and no gaps or labels for the rest;
// a long name is cut to fit rather than running off the page.
func TestWorkbookPDFCoverFields(t *testing.T) {
	var buf bytes.Buffer
	if err := WorkbookPDF(&buf, ClinicContact{}, A4); err != nil {
		t.Fatal(err)
	}
	if cover := pdftest.Pages(t, buf.Bytes())[0]; strings.Contains(cover, "From") {
		t.Errorf("a cover with no clinic: %s", cover)
	}
	buf.Reset()
	long := strings.Repeat("Very Long Clinic Name ", 8)
	if err := WorkbookPDF(&buf, ClinicContact{Name: long, Email: "care@example.org"}, Letter); err != nil {
		t.Fatal(err)
	}
	cover := pdftest.Pages(t, buf.Bytes())[0]
	if !strings.Contains(cover, "From Very Long Clinic Name") || !strings.Contains(cover, "…") || !strings.Contains(cover, "care@example.org") {
		t.Errorf("cover: %s", cover)
	}
}

// TestFilledWorkbookPDF plants answers and finds them under their prompts:
// a short one, one with several paragraphs, one long enough to run over a
// page, and characters from beyond Latin-1. The embedded font has no emoji:
// one is left out of the print, and the answer around it still prints.
func TestFilledWorkbookPDF(t *testing.T) {
	long := strings.Repeat("I kept returning to the picture of the lake at dawn, and the quiet that came with it. ", 40)
	answers := map[string]string{
		"ch1.p1":  "A friend told me about KAP after a long winter.",
		"ch7.p4":  "\"You are allowed to rest.\"\n\n\n\nIt stayed with me all week.\tEven at work.",
		"ch7.p5":  long,
		"ch9.p3":  "Zoë wants Åsa to know: ça va, I am listening.",
		"ch10.p2": "  ",
		"ch3.p1":  "Calmer now 🙂 than before.",
	}
	// No answers at all is the empty workbook with the cover's line.
	if pages := pdftest.Pages(t, mustWorkbook(t, Letter, map[string]string{})); !strings.Contains(pages[0], "With your own answers") {
		t.Error("the filled cover does not say so")
	}
	for _, size := range []PageSize{A4, Letter} {
		t.Run(string(size), func(t *testing.T) {
			pages := pdftest.Pages(t, mustWorkbook(t, size, answers))
			all := strings.Join(pages, " ")
			for _, s := range []string{
				"With your own answers",
				"Reflect Write, draw or simply think",
				"A friend told me about KAP after a long winter.",
				`"You are allowed to rest." It stayed with me all week. Even at work.`,
				"Zoë wants Åsa to know: ça va, I am listening.",
				"Prompt 5, continued",
				"Calmer now",
				"than before.",
			} {
				if !strings.Contains(all, s) {
					t.Errorf("no %q in the filled workbook", s)
				}
			}
			// Each answer comes right after its own prompt.
			p1, _ := workbook.PromptByID("ch1.p1")
			if !strings.Contains(all, p1.Text+" A friend told me") {
				t.Errorf("the answer to ch1.p1 is not under its prompt")
			}
			if got := strings.Count(all, "the picture of the lake at dawn"); got != 40 {
				t.Errorf("the long answer shows %d of its 40 sentences", got)
			}
			n := len(pages)
			for i := 1; i < n; i++ {
				if want := fmt.Sprintf("page %d of %d", i+1, n); !strings.Contains(pages[i], want) {
					t.Errorf("page %d has no %q", i+1, want)
				}
			}
		})
	}
}

func TestCleanAnswer(t *testing.T) {
	for in, want := range map[string]string{
		"  plain  ":            "plain",
		"a\r\nb":               "a\nb",
		"a\n\n\n\nb":           "a\n\nb",
		"tab\there\x00nul\x1b": "tab here nul",
		"\n\n  \n":             "",
	} {
		if got := cleanAnswer(in); got != want {
			t.Errorf("cleanAnswer(%q) = %q, want %q", in, got, want)
		}
	}
}

func tail(s string) string { return s[max(0, len(s)-60):] }
