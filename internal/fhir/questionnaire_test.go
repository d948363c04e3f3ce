package fhir

import (
	"context"
	"slices"
	"testing"

	"doorway/internal/measures"
	"doorway/internal/store"
)

// enableClinicSetting switches a clinic setting on for the fixture's clinic.
func (f *fixture) enableClinicSetting(t *testing.T, key string) {
	t.Helper()
	ctx := context.Background()
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		return tx.SetClinicSetting(ctx, f.p.Clinic.ID, key, "1", f.p.Users["admin"].ID, f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestQuestionnaireRead(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		q := f.get(t, "clientA", "/fhir/r4/Questionnaire/phq9", 200)
		if q["resourceType"] != "Questionnaire" || q["id"] != "phq9" || q["status"] != "active" ||
			q["url"] != "http://example.com/fhir/r4/Questionnaire/phq9" {
			t.Errorf("questionnaire: %v", q)
		}
		code := asList(q["code"])[0].(map[string]any)
		if code["system"] != "http://loinc.org" || code["code"] != "44249-1" {
			t.Errorf("code: %v", code)
		}
		in, _ := measures.ByID(measures.PHQ9)
		if q["copyright"] != in.Licence {
			t.Errorf("copyright: %v", q["copyright"])
		}
		items := asList(q["item"])
		if len(items) != 10 {
			t.Fatalf("%d items, want 10", len(items))
		}
		nine := items[8].(map[string]any)
		if nine["linkId"] != "44260-8" || nine["type"] != "choice" || nine["required"] != true {
			t.Errorf("item 9: %v", nine)
		}
		// Answers are LOINC's, each carrying its score.
		opts := asList(nine["answerOption"])
		wantCodes := []string{"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}
		for i, o := range opts {
			om := o.(map[string]any)
			c := om["valueCoding"].(map[string]any)
			ext := asList(om["extension"])[0].(map[string]any)
			if c["system"] != "http://loinc.org" || c["code"] != wantCodes[i] || ext["valueDecimal"] != float64(i) {
				t.Errorf("item 9 option %d: %v", i, om)
			}
		}
		if ten := items[9].(map[string]any); ten["required"] != false {
			t.Errorf("item 10 is optional: %v", ten)
		}

		// PCL-5 has no LOINC answers: they are coded locally by score.
		p := f.get(t, "assigned", "/fhir/r4/Questionnaire/pcl5", 200)
		o := asList(asList(p["item"])[0].(map[string]any)["answerOption"])[4].(map[string]any)["valueCoding"].(map[string]any)
		if o["system"] != "urn:doorway:measures:pcl5:answer" || o["code"] != "4" {
			t.Errorf("PCL-5 answer: %v", o)
		}

		// Switched off by default: not served at all until the clinic has a licence.
		f.get(t, "admin", "/fhir/r4/Questionnaire/cssrs-screen", 404)
		f.get(t, "admin", "/fhir/r4/Questionnaire/qids-sr16", 404)
		f.get(t, "admin", "/fhir/r4/Questionnaire/nonsense", 404)
		f.enableClinicSetting(t, store.SettingCSSRSEnabled)
		c := f.get(t, "admin", "/fhir/r4/Questionnaire/cssrs-screen", 200)
		three := asList(c["item"])[2].(map[string]any)
		ew := asList(three["enableWhen"])
		if len(ew) != 1 {
			t.Fatalf("C-SSRS item 3 enableWhen: %v", three)
		}
		w := ew[0].(map[string]any)
		ac := w["answerCoding"].(map[string]any)
		if w["question"] != "93247-5" || w["operator"] != "=" || ac["system"] != "http://loinc.org" || ac["code"] != "LA33-6" {
			t.Errorf("C-SSRS item 3 is asked after a Yes to item 2: %v", w)
		}
		// The other clinic has not switched it on.
		f.get(t, "foreignAdmin", "/fhir/r4/Questionnaire/cssrs-screen", 404)
	})
}

func TestQuestionnaireSearch(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{"phq9", "gad7", "pcl5"}},
			{"?code=44249-1", []string{"phq9"}},
			{"?code=http://loinc.org|69737-5", []string{"gad7"}},
			{"?code=http://snomed.info/sct|69737-5", nil},
			{"?code=44249-1,101697-1", []string{"phq9", "pcl5"}},
			{"?url=http://example.com/fhir/r4/Questionnaire/gad7", []string{"gad7"}},
			{"?url=http://elsewhere.example/Questionnaire/gad7", nil},
			{"?code=44249-1&url=http://example.com/fhir/r4/Questionnaire/gad7", nil},
		} {
			m := f.get(t, "clientB", "/fhir/r4/Questionnaire"+tc.query, 200)
			ids, total, _ := bundleIDs(t, m)
			if total != len(tc.want) {
				t.Errorf("%s: total %d", tc.query, total)
			}
			same(t, tc.query, sorted(ids), tc.want...)
		}
		m := f.get(t, "clientB", "/fhir/r4/Questionnaire?_count=2", 200)
		ids, total, links := bundleIDs(t, m)
		if len(ids) != 2 || total != 3 || links["next"] == "" {
			t.Errorf("paging: %v %d %v", ids, total, links)
		}
		f.get(t, "clientB", "/fhir/r4/Questionnaire?title=PHQ", 400)

		f.enableClinicSetting(t, store.SettingQIDSEnabled)
		ids, _, _ = bundleIDs(t, f.get(t, "clientB", "/fhir/r4/Questionnaire", 200))
		same(t, "with QIDS-SR16 on", sorted(ids), "phq9", "gad7", "pcl5", "qids-sr16")
	})
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestEnableWhenMatchesSkipLogic proves that every skip rule of the
// catalogue is expressed, and expressed exactly: for every combination of
// answers to the items a rule could depend on, the enableWhen and the Go
// rule agree.
func TestEnableWhenMatchesSkipLogic(t *testing.T) {
	for _, in := range measures.All() {
		for i := range in.Items {
			it := &in.Items[i]
			ew := enableWhen(in, i)
			if it.EnableIf == nil {
				if ew != nil {
					t.Errorf("%s %s: enableWhen without skip logic", in.ID, it.Key)
				}
				continue
			}
			if len(ew) != 1 {
				t.Errorf("%s %s: skip logic not expressed", in.ID, it.Key)
				continue
			}
			// Every combination of answers to the earlier items (all are
			// yes/no where rules exist, so this stays small).
			earlier := in.Items[:i]
			n := 1
			for _, e := range earlier {
				n *= len(e.Options)
			}
			if n > 1<<12 {
				t.Fatalf("%s: too many combinations to check", in.ID)
			}
			for c := 0; c < n; c++ {
				a := measures.Answers{}
				rest := c
				for _, e := range earlier {
					a[e.Key] = rest % len(e.Options)
					rest /= len(e.Options)
				}
				got := false
				if e, ok := in.ItemByKey(ew[0].Question); ok {
					o, _ := e.OptionByScore(a[e.Key])
					oc := optionCoding(in, o)
					got = oc.System == ew[0].AnswerCoding.System && oc.Code == ew[0].AnswerCoding.Code
				}
				if got != it.Enabled(a) {
					t.Errorf("%s %s with %v: enableWhen says %v, the rule %v", in.ID, it.Key, a, got, it.Enabled(a))
				}
			}
		}
	}
}
