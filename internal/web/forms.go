package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"

	"doorway/internal/problem"
)

// Every page request's parameters pass here before its handler reads one:
// the query string always, and a posted form's body. Handlers read a field
// with PostFormValue or Query().Get, which take the first of several values
// and drop the rest; a request that sends one field twice
// (route=rdt&route=iv on a dosing order) would then be saved as whichever
// came first, and nobody would know. So a field given twice is refused,
// unless the page reads it as a list. A value no browser sends from one of
// our pages (not UTF-8, or with a control character other than a tab or a
// line break) is refused here too, whatever the field; what is kept is
// checked again, by field, where it is stored (problem.Line, problem.Prose).

// listFields are the fields a page reads as a list: checkboxes sharing a
// name, and the rows of the intake's medication table. Add a name here
// when a handler reads r.PostForm[name] or ranges over its values.
var listFields = map[string]bool{
	"roles":    true,                                                         // admin.go: a staff member's roles
	"staff":    true,                                                         // clients.go, schedule and medicine session forms: people ticked
	"baseline": true,                                                         // screening_admin.go: baseline measures
	"med_name": true, "med_dose": true, "med_times": true, "med_class": true, // intake.go: medication rows
	"session.protocol.repeat_measures":    true, // session_rules_admin.go
	"session.protocol.discharge_measures": true,
}

// checkParams parses the request's form and refuses a field given twice or
// a value that cannot be text. A body too large is the 413 withLimits
// promises.
func checkParams(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return problem.Invalidf("form", "The form could not be read. Please reload the page and try again.")
	}
	for _, vals := range []url.Values{r.URL.Query(), r.PostForm} {
		if err := checkValues(vals); err != nil {
			return err
		}
	}
	return nil
}

// errTooLarge is a body over the limit.
var errTooLarge = errors.New("request body too large")

func checkValues(vals url.Values) error {
	names := make([]string, 0, len(vals))
	for name := range vals {
		names = append(names, name)
	}
	sort.Strings(names) // the same answer for the same request
	for _, name := range names {
		if err := problem.Line("form", "A field's name", name, 200); err != nil {
			return problem.Invalidf("form", "The form could not be read: a field's name is not plain text. Please reload the page and try again.")
		}
		if len(vals[name]) > 1 && !listFields[name] {
			return problem.Invalidf(name, "The form sent the field %q more than once, so it is not clear which value you meant. Nothing was saved; please reload the page and try again.", name)
		}
		for _, v := range vals[name] {
			if err := problem.Prose(name, "What was typed", v, maxFormBytes*16); err != nil {
				return problem.Invalidf(name, "%s Nothing was saved.", problem.MessageOf(err))
			}
		}
	}
	return nil
}
