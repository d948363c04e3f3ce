package practice

import (
	"context"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/workbook"
)

// The Reflection Workbook in the client's portal: their answers, prompt by
// prompt, sealed at rest and kept as drafts while they type (the journal's
// drafts, under "workbook:<prompt id>"); sharing by answer, as journal
// entries are shared; the care team's view of what is shared; and the
// client's own filled-in workbook to print. The audit log names answers by
// their id and prompt id, never by a word of what is in them.

var (
	opWorkbook       = op{action: "workbook.read"}
	opWorkbookAnswer = op{action: "workbook.answer"}
	opWorkbookShare  = op{action: "workbook.share"}
	opTeamWorkbook   = op{action: "workbook.read_shared"}
	opWorkbookExport = op{action: "client.export"}
)

// ChapterProgress is a chapter with how far the client has come in it.
type ChapterProgress struct {
	workbook.Chapter
	Answered int // prompts answered
}

// Done reports whether every prompt of the chapter is answered.
func (c ChapterProgress) Done() bool { return c.Answered == len(c.Prompts) }

// MyWorkbook is every chapter with how many of its prompts the signed-in
// client has answered.
func (s *Service) MyWorkbook(ctx context.Context, a Actor) ([]ChapterProgress, error) {
	var out []ChapterProgress
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opWorkbook, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		answers, err := tx.WorkbookAnswers(ctx, ch.Client.ClinicID, ch.Client.ID, false)
		if err != nil {
			return err
		}
		for _, c := range workbook.Chapters() {
			p := ChapterProgress{Chapter: c}
			for _, pr := range c.Prompts {
				if _, ok := answers[pr.ID]; ok {
					p.Answered++
				}
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// WorkbookChapter is a chapter with the signed-in client's answers and
// the drafts they left, by prompt id.
type WorkbookChapter struct {
	workbook.Chapter
	Answers map[string]store.WorkbookAnswer
	Drafts  map[string]store.JournalDraft
}

// WorkbookDraftKey is the journal's draft key of a workbook prompt.
func WorkbookDraftKey(promptID string) string { return "workbook:" + promptID }

// MyWorkbookChapter loads chapter n for the signed-in client to answer.
func (s *Service) MyWorkbookChapter(ctx context.Context, a Actor, n int) (WorkbookChapter, error) {
	var out WorkbookChapter
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opWorkbook, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		c, ok := workbook.ChapterByNumber(n)
		if !ok {
			return problem.New(problem.NotFound, "That chapter was not found.")
		}
		out.Chapter = c
		if out.Answers, err = tx.WorkbookAnswers(ctx, ch.Client.ClinicID, ch.Client.ID, false); err != nil {
			return err
		}
		drafts, err := tx.JournalDrafts(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil {
			return err
		}
		out.Drafts = map[string]store.JournalDraft{}
		for _, d := range drafts {
			if id, ok := strings.CutPrefix(d.Key, WorkbookDraftKey("")); ok {
				out.Drafts[id] = d
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	// The client's own answers are client data: their reading is recorded
	// like any other, and not served when it cannot be.
	return out, s.Record(ctx, a, audit.Entry{Action: opPortalRead.action, ResourceType: "workbook", ResourceID: a.P.ClientID, ClientID: a.P.ClientID,
		Detail: "chapter " + strconv.Itoa(n)})
}

// promptOf is the workbook prompt an id names; an Invalid problem for any
// other, since the id comes from the client's form.
func promptOf(id string) (workbook.Prompt, error) {
	p, ok := workbook.PromptByID(id)
	if !ok {
		return p, problem.Invalidf("prompt", "That question is not in the workbook.")
	}
	return p, nil
}

// AnsweredPrompt is a prompt whose answer the client changed.
type AnsweredPrompt struct {
	Prompt workbook.Prompt
	// Cleared is true when the answer was empty, and so removed.
	Cleared bool
}

// AnswerWorkbook saves the signed-in client's answer to a prompt,
// replacing the one before; an empty answer removes it. The prompt's draft
// goes with the save.
func (s *Service) AnswerWorkbook(ctx context.Context, a Actor, promptID, body string) (AnsweredPrompt, error) {
	var out AnsweredPrompt
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opWorkbookAnswer, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		prompt, err := promptOf(promptID)
		if err != nil {
			return err
		}
		c := ch.Client
		ans := store.WorkbookAnswer{ClinicID: c.ClinicID, ClientID: c.ID, PromptID: prompt.ID, Body: body, UpdatedAt: now}
		if err := tx.SaveWorkbookAnswer(ctx, &ans); err != nil {
			return err
		}
		if err := tx.SaveJournalDraft(ctx, c.ClinicID, c.ID, store.JournalDraft{Key: WorkbookDraftKey(prompt.ID), UpdatedAt: now}); err != nil {
			return err
		}
		out = AnsweredPrompt{Prompt: prompt, Cleared: ans.ID == ""}
		detail := "saved"
		if out.Cleared {
			detail = "cleared"
		}
		return s.appendTx(ctx, tx, a, workbookEntry(opWorkbookAnswer.action, c.ID, prompt.ID, detail))
	})
	return out, err
}

// workbookEntry is the audit entry of a change to a client's answer. An
// answer is one per client and prompt, and a cleared one has no row left,
// so the log names it by its prompt.
func workbookEntry(action, clientID, promptID, detail string) audit.Entry {
	return audit.Entry{Action: action, ResourceType: "workbook_answer", ResourceID: promptID, ClientID: clientID, Detail: detail}
}

// ShareWorkbookAnswer shares the signed-in client's answer to a prompt
// with their care team, or takes the share back.
func (s *Service) ShareWorkbookAnswer(ctx context.Context, a Actor, promptID string, share bool) (workbook.Prompt, error) {
	var prompt workbook.Prompt
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opWorkbookShare, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		if prompt, err = promptOf(promptID); err != nil {
			return err
		}
		var at *time.Time
		action := "workbook.unshare"
		if share {
			at, action = &now, opWorkbookShare.action
		}
		err = tx.ShareWorkbookAnswer(ctx, ch.Client.ClinicID, ch.Client.ID, prompt.ID, at)
		if problem.CodeOf(err) == problem.NotFound {
			return problem.Invalidf("prompt", "Save an answer first; then you can share it.")
		}
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, workbookEntry(action, ch.Client.ID, prompt.ID, ""))
	})
	return prompt, err
}

// SharedAnswer is an answer a client shares, with its prompt.
type SharedAnswer struct {
	Prompt workbook.Prompt
	Answer store.WorkbookAnswer
}

// SharedWorkbook is what a client shares of their workbook with their
// care team: the shared answers only, in workbook order, the read
// recorded against the client.
func (s *Service) SharedWorkbook(ctx context.Context, a Actor, clientID string) (store.Client, []SharedAnswer, error) {
	var c store.Client
	var out []SharedAnswer
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opTeamWorkbook, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		c = ch.Client
		answers, err := tx.WorkbookAnswers(ctx, c.ClinicID, c.ID, true)
		if err != nil {
			return err
		}
		// Each answer asks the one decision, as a journal entry does:
		// shared, and the reader on the client's care team.
		for _, chapter := range workbook.Chapters() {
			for _, p := range chapter.Prompts {
				ans, ok := answers[p.ID]
				if ok && sharedWithReader(a, ch, ans.SharedAt != nil) {
					out = append(out, SharedAnswer{Prompt: p, Answer: ans})
				}
			}
		}
		return nil
	})
	if err != nil {
		return c, nil, err
	}
	return c, out, s.Record(ctx, a, audit.Entry{Action: opTeamWorkbook.action, ResourceType: "workbook", ResourceID: clientID, ClientID: clientID,
		Detail: plural(len(out), "shared answer", "shared answers")})
}

// FilledWorkbook is what the client's own printed workbook holds.
type FilledWorkbook struct {
	Clinic store.Clinic
	// Answers are the client's answers by prompt id.
	Answers map[string]string
}

// MyFilledWorkbook is the signed-in client's workbook with their answers,
// to print: an export of their record, and recorded as one.
func (s *Service) MyFilledWorkbook(ctx context.Context, a Actor) (FilledWorkbook, error) {
	out := FilledWorkbook{Clinic: a.Clinic, Answers: map[string]string{}}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opWorkbookExport, a.P.ClientID, access.ClientRecord, access.Export)
		if err != nil {
			return err
		}
		answers, err := tx.WorkbookAnswers(ctx, ch.Client.ClinicID, ch.Client.ID, false)
		for id, ans := range answers {
			out.Answers[id] = ans.Body
		}
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opWorkbookExport.action, ResourceType: "workbook", ResourceID: a.P.ClientID,
		ClientID: a.P.ClientID, Detail: "filled workbook PDF, " + plural(len(out.Answers), "answer", "answers")})
}
