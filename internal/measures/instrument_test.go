package measures

import (
	"slices"
	"strings"
	"testing"

	"doorway/internal/problem"
)

func mustInstrument(t *testing.T, id string) *Instrument {
	t.Helper()
	in, ok := ByID(id)
	if !ok {
		t.Fatalf("ByID(%q): not found", id)
	}
	return in
}

func mustScore(t *testing.T, in *Instrument, a Answers) Result {
	t.Helper()
	r, err := Score(in, a)
	if err != nil {
		t.Fatalf("Score(%s, %v): %v", in.ID, a, err)
	}
	return r
}

// wantInvalid checks that err is a problem.Invalid naming field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an invalid error naming %q, got nil", field)
	}
	if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != field {
		t.Fatalf("want invalid error naming %q, got %v", field, err)
	}
	if problem.MessageOf(err) == "" {
		t.Fatalf("error %v has no message", err)
	}
}

// keysOf returns the keys of an instrument's items, in order.
func keysOf(in *Instrument) []string {
	var keys []string
	for _, it := range in.Items {
		keys = append(keys, it.Key)
	}
	return keys
}

func TestCatalogue(t *testing.T) {
	var ids []string
	for _, in := range All() {
		ids = append(ids, in.ID)
	}
	want := []string{PHQ9, GAD7, PCL5, QIDSSR16, CSSRSScreen, CSSRSScreenSLC}
	if !slices.Equal(ids, want) {
		t.Fatalf("All() = %v, want %v", ids, want)
	}
	// All returns a copy: a caller reordering it must not reorder ours.
	list := All()
	list[0] = nil
	if All()[0] == nil {
		t.Fatal("All() shares its slice with the catalogue")
	}
	if _, ok := ByID("bdi"); ok {
		t.Error("ByID(bdi) found something")
	}
	for code, id := range map[string]string{"44249-1": PHQ9, "69737-5": GAD7, "101697-1": PCL5, "93373-9": CSSRSScreen} {
		in, ok := ByLOINCPanel(code)
		if !ok || in.ID != id {
			t.Errorf("ByLOINCPanel(%s) = %v, %v; want %s", code, in, ok, id)
		}
	}
	// Instruments without a panel code must not match the empty code.
	if in, ok := ByLOINCPanel(""); ok {
		t.Errorf("ByLOINCPanel(\"\") = %s", in.ID)
	}
}

// TestInstrumentData checks the invariants every instrument's data must hold.
func TestInstrumentData(t *testing.T) {
	for _, in := range All() {
		t.Run(in.ID, func(t *testing.T) {
			if in.Title == "" || in.ShortTitle == "" || in.RecallPeriod == "" || in.Licence == "" || in.Instructions == "" {
				t.Error("missing title, short title, recall period, licence or instructions")
			}
			seen := map[string]bool{}
			seenLOINC := map[string]bool{}
			maxTotal := 0
			for _, it := range in.Items {
				if it.Key == "" || it.Number == "" || it.Text == "" {
					t.Errorf("item %+v lacks key, number or text", it)
				}
				if seen[it.Key] {
					t.Errorf("duplicate key %s", it.Key)
				}
				seen[it.Key] = true
				if it.LOINC != "" {
					if seenLOINC[it.LOINC] {
						t.Errorf("duplicate LOINC %s", it.LOINC)
					}
					seenLOINC[it.LOINC] = true
					// Keys are linkIds: the LOINC code wherever there is one.
					if it.Key != it.LOINC {
						t.Errorf("item %s has LOINC %s but a different key", it.Key, it.LOINC)
					}
				} else if !strings.HasPrefix(it.Key, in.ID+".") {
					t.Errorf("local key %s does not start with %s.", it.Key, in.ID)
				}
				if len(it.Options) < 2 {
					t.Errorf("item %s has %d options", it.Key, len(it.Options))
				}
				answerCodes := map[string]bool{}
				for i, o := range it.Options {
					if o.Score != i {
						t.Errorf("item %s option %d has score %d: scores must run 0, 1, 2, …", it.Key, i, o.Score)
					}
					if o.Label == "" {
						t.Errorf("item %s option %d has no label", it.Key, i)
					}
					for _, code := range []string{o.LOINC, o.LOINCAlt} {
						if code == "" {
							continue
						}
						if answerCodes[code] {
							t.Errorf("item %s repeats answer code %s", it.Key, code)
						}
						answerCodes[code] = true
						if got, ok := it.OptionByLOINC(code); !ok || got.Score != i {
							t.Errorf("item %s OptionByLOINC(%s) = %v, %v", it.Key, code, got, ok)
						}
					}
				}
				if (it.EnableIf == nil) != (it.AskedWhen == "") {
					t.Errorf("item %s: skip logic and its description must come together", it.Key)
				}
				if got, ok := in.ItemByKey(it.Key); !ok || got.Key != it.Key {
					t.Errorf("ItemByKey(%s) failed", it.Key)
				}
				if it.LOINC != "" {
					if got, ok := in.ItemByLOINC(it.LOINC); !ok || got.Key != it.Key {
						t.Errorf("ItemByLOINC(%s) failed", it.LOINC)
					}
				}
				if it.Scored {
					maxTotal += it.MaxScore()
				}
			}
			// Bands ascend without gaps from 0 to the highest total.
			if len(in.Bands) > 0 {
				if in.ID == QIDSSR16 {
					maxTotal = 27 // nine domains of 0–3, not a sum of items
				}
				next := 0
				for _, b := range in.Bands {
					if b.Min != next || b.Max < b.Min || b.Key == "" || b.Label == "" {
						t.Errorf("band %+v does not follow on from %d", b, next)
					}
					next = b.Max + 1
				}
				if next-1 != maxTotal {
					t.Errorf("bands end at %d, highest total is %d", next-1, maxTotal)
				}
			}
		})
	}
	if _, ok := mustInstrument(t, PHQ9).ItemByLOINC(""); ok {
		t.Error("ItemByLOINC(\"\") matched an item")
	}
}

// TestLOINC pins the codes CLINICAL.md and INSTRUMENTS.md give, in form order.
func TestLOINC(t *testing.T) {
	phq9 := mustInstrument(t, PHQ9)
	if phq9.LOINCPanel != "44249-1" || phq9.LOINCTotal != "44261-6" {
		t.Errorf("PHQ-9 panel %s total %s", phq9.LOINCPanel, phq9.LOINCTotal)
	}
	wantPHQ := []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8", "69722-7"}
	if got := keysOf(phq9); !slices.Equal(got, wantPHQ) {
		t.Errorf("PHQ-9 keys %v, want %v", got, wantPHQ)
	}
	gad7 := mustInstrument(t, GAD7)
	if gad7.LOINCPanel != "69737-5" || gad7.LOINCTotal != "70274-6" {
		t.Errorf("GAD-7 panel %s total %s", gad7.LOINCPanel, gad7.LOINCTotal)
	}
	// Items 6 (irritable, 69689-8) and 7 (afraid, 69736-7): not swapped.
	wantGAD := []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7", "gad7.difficulty"}
	if got := keysOf(gad7); !slices.Equal(got, wantGAD) {
		t.Errorf("GAD-7 keys %v, want %v", got, wantGAD)
	}
	if it, _ := gad7.ItemByKey("69689-8"); it.Number != "6" || !strings.Contains(it.Text, "irritable") {
		t.Errorf("GAD-7 69689-8 is %s %q", it.Number, it.Text)
	}
	if it, _ := gad7.ItemByKey("69736-7"); it.Number != "7" || !strings.Contains(it.Text, "afraid") {
		t.Errorf("GAD-7 69736-7 is %s %q", it.Number, it.Text)
	}
	wantCSSRS := []string{"93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9"}
	if got := keysOf(mustInstrument(t, CSSRSScreen)); !slices.Equal(got, wantCSSRS) {
		t.Errorf("C-SSRS keys %v, want %v", got, wantCSSRS)
	}

	// The 0–3 frequency scale (CLINICAL.md §4).
	item1, _ := phq9.ItemByKey("44250-9")
	for code, score := range map[string]int{"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3} {
		if o, ok := item1.OptionByLOINC(code); !ok || o.Score != score {
			t.Errorf("PHQ-9 item 1 answer %s = %v, %v; want score %d", code, o, ok, score)
		}
	}
	// Item 10's codes are not in label order.
	item10, _ := phq9.ItemByKey("69722-7")
	if o, _ := item10.OptionByLOINC("LA6575-0"); o.Label != "Very difficult" {
		t.Errorf("LA6575-0 = %q", o.Label)
	}
	if _, ok := item1.OptionByLOINC("LA6575-0"); ok {
		t.Error("a difficulty code answered a frequency item")
	}
	// LOINC's own answer code for GAD-7 item 2 is read as "More than half the days".
	item2, _ := gad7.ItemByKey("68509-9")
	if o, ok := item2.OptionByLOINC("LA18938-3"); !ok || o.Score != 2 || o.LOINC != "LA6570-1" {
		t.Errorf("GAD-7 item 2 LA18938-3 = %v, %v", o, ok)
	}
	yes, _ := mustInstrument(t, CSSRSScreen).Items[0].OptionByLOINC("LA33-6")
	no, _ := mustInstrument(t, CSSRSScreen).Items[0].OptionByLOINC("LA32-8")
	if yes.Score != Yes || no.Score != No {
		t.Errorf("C-SSRS yes %v no %v", yes, no)
	}
	if _, ok := item1.OptionByScore(4); ok {
		t.Error("OptionByScore(4) found an option on a 0–3 item")
	}
}

func TestDefaultsAndMarks(t *testing.T) {
	enabled := map[string]bool{PHQ9: true, GAD7: true, PCL5: true, QIDSSR16: false, CSSRSScreen: false, CSSRSScreenSLC: false}
	for _, in := range All() {
		if in.DefaultEnabled != enabled[in.ID] {
			t.Errorf("%s DefaultEnabled = %v", in.ID, in.DefaultEnabled)
		}
	}
	// The only item text INSTRUMENTS.md marks unverified is the direction
	// before QIDS-SR16 item 8.
	for _, in := range All() {
		for _, it := range in.Items {
			want := !(in.ID == QIDSSR16 && it.Number == "8")
			if it.Verified != want {
				t.Errorf("%s item %s Verified = %v", in.ID, it.Number, it.Verified)
			}
			if !it.Verified && it.Note == "" {
				t.Errorf("%s item %s is unverified without a note saying why", in.ID, it.Number)
			}
		}
	}
	if !strings.Contains(mustInstrument(t, PHQ9).Licence, "No permission required") {
		t.Error("PHQ-9 licence notice")
	}
}

// Only totals that mean something over time are tracked: the C-SSRS gives
// a risk tier.
func TestTracked(t *testing.T) {
	want := map[string]bool{PHQ9: true, GAD7: true, PCL5: true, QIDSSR16: true, CSSRSScreen: false, CSSRSScreenSLC: false}
	for _, in := range All() {
		if got, ok := want[in.ID]; !ok || in.Tracked() != got {
			t.Errorf("%s: tracked %v, want %v", in.ID, in.Tracked(), got)
		}
	}
}
