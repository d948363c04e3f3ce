package screening

import (
	"slices"
	"strings"
	"unicode"
)

// Interacting medicines are recognised by name, not only by the class a
// client ticks (CLINICAL.md §1): someone who files phenelzine or Vyvanse
// under "other" must still fire the MAOI or stimulant rule. The lists below
// hold generic names with common brand names (US and UK) and spellings.
// Matching ignores case and reads the name word by word, so dose text does
// not get in the way ("Vyvanse 30 mg", "Adderall XR", "co-codamol 30/500").
// A name that matches nothing is reported as not recognised, so the
// prescriber knows Doorway could not check it and reads it by hand.
//
// What is listed, and why:
//   - MAOIs and stimulants: CLINICAL.md's own lists, plus safinamide, an
//     MAO-B inhibitor like rasagiline, and serdexmethylphenidate, a
//     prodrug of dexmethylphenidate.
//   - Opioids: the full agonists prescribed for pain or dependence, and the
//     partial or mixed agonists (buprenorphine, butorphanol, nalbuphine,
//     pentazocine), which sedate too. Not antagonists (naltrexone,
//     naloxone), nor loperamide, which barely reaches the brain.
//   - Sedatives: medicines whose main use or labelled warning is depression
//     of the central nervous system: z-drugs, gabapentinoids, barbiturates,
//     orexin antagonists, sodium oxybate, older hypnotics (chloral hydrate,
//     clomethiazole, meprobamate), centrally acting muscle relaxants
//     (carisoprodol, baclofen, tizanidine, cyclobenzaprine) and the sedating
//     antihistamines used for sleep or anxiety (hydroxyzine, promethazine,
//     diphenhydramine, doxylamine). Not the antidepressants and
//     antipsychotics that sedate as a side effect (trazodone, mirtazapine,
//     quetiapine): they are not what the rule is about, and the prescriber
//     reads every medicine on the list anyway.
//   - Benzodiazepines: every drug of the Ashton equivalence table
//     (ashtonEquivalents, with their brand names), and a few outside it
//     (midazolam, etizolam, brotizolam, phenazepam), which are recognised as
//     benzodiazepines but have no conversion, so the rule names them as a
//     gap instead of guessing.
//   - Lamotrigine, for the information rule.
//
// Brand names that mean different medicines in different countries
// (Benadryl is diphenhydramine in the US, acrivastine in the UK) are left
// out: a wrong match would be worse than "not recognised".
var medicineNames = []struct {
	class   MedClass
	generic string
	also    []string // brand names and other spellings
}{
	{MAOI, "phenelzine", []string{"nardil"}},
	{MAOI, "tranylcypromine", []string{"parnate"}},
	{MAOI, "isocarboxazid", []string{"marplan"}},
	{MAOI, "selegiline", []string{"emsam", "eldepryl", "zelapar"}},
	{MAOI, "rasagiline", []string{"azilect"}},
	{MAOI, "safinamide", []string{"xadago"}},
	{MAOI, "moclobemide", []string{"manerix", "aurorix"}},
	{MAOI, "linezolid", []string{"zyvox", "zyvoxid"}},

	{Stimulant, "amphetamine", []string{"amfetamine", "adderall", "evekeo", "adzenys", "dyanavel", "mydayis"}},
	{Stimulant, "dextroamphetamine", []string{"dexamfetamine", "dexamphetamine", "dexedrine", "zenzedi", "procentra", "amfexa", "xelstrym"}},
	{Stimulant, "lisdexamfetamine", []string{"lisdexamphetamine", "vyvanse", "elvanse", "tyvense"}},
	{Stimulant, "methamphetamine", []string{"metamfetamine", "methamfetamine", "desoxyn"}},
	{Stimulant, "methylphenidate", []string{"ritalin", "concerta", "medikinet", "equasym", "metadate", "methylin", "quillivant", "quillichew",
		"daytrana", "cotempla", "aptensio", "jornay", "relexxii", "xaggitin", "delmosart", "matoride", "xenidate"}},
	{Stimulant, "dexmethylphenidate", []string{"focalin"}},
	{Stimulant, "serdexmethylphenidate", []string{"azstarys"}},
	{Stimulant, "modafinil", []string{"provigil", "modavigil"}},
	{Stimulant, "armodafinil", []string{"nuvigil"}},
	{Stimulant, "solriamfetol", []string{"sunosi"}},

	{Opioid, "morphine", []string{"ms contin", "oramorph", "kadian", "sevredol", "zomorph", "mxl"}},
	{Opioid, "oxycodone", []string{"oxycontin", "roxicodone", "oxynorm", "percocet", "endocet", "xtampza", "endone", "targin", "oxaydo", "roxybond", "shortec", "longtec"}},
	{Opioid, "hydrocodone", []string{"vicodin", "norco", "lortab", "hysingla", "zohydro"}},
	{Opioid, "hydromorphone", []string{"dilaudid", "exalgo", "palladone"}},
	{Opioid, "codeine", []string{"co codamol", "cocodamol", "solpadeine", "tylex", "zapain", "kapake"}},
	{Opioid, "dihydrocodeine", []string{"df118", "co dydramol", "codydramol", "dhc continus"}},
	{Opioid, "tramadol", []string{"ultram", "ultracet", "zydol", "tramal", "conzip", "zamadol", "marol", "maxitram"}},
	{Opioid, "tapentadol", []string{"nucynta", "palexia"}},
	{Opioid, "fentanyl", []string{"duragesic", "durogesic", "actiq", "abstral", "fentora", "effentora", "subsys", "instanyl", "pecfent"}},
	{Opioid, "methadone", []string{"dolophine", "methadose", "physeptone"}},
	{Opioid, "buprenorphine", []string{"subutex", "suboxone", "butrans", "sublocade", "zubsolv", "belbuca", "buvidal", "transtec", "temgesic", "espranor"}},
	{Opioid, "oxymorphone", []string{"opana"}},
	{Opioid, "meperidine", []string{"pethidine", "demerol"}},
	{Opioid, "levorphanol", nil},
	{Opioid, "diamorphine", nil},
	{Opioid, "pentazocine", []string{"talwin"}},
	{Opioid, "butorphanol", []string{"stadol"}},
	{Opioid, "nalbuphine", []string{"nubain"}},

	{Sedative, "zolpidem", []string{"ambien", "stilnoct", "edluar", "intermezzo", "zolpimist"}},
	{Sedative, "zopiclone", []string{"zimovane", "imovane"}},
	{Sedative, "eszopiclone", []string{"lunesta"}},
	{Sedative, "zaleplon", []string{"sonata"}},
	{Sedative, "gabapentin", []string{"neurontin", "gralise", "horizant"}},
	{Sedative, "pregabalin", []string{"lyrica", "alzain", "axalid"}},
	{Sedative, "phenobarbital", []string{"phenobarbitone", "luminal"}},
	{Sedative, "butalbital", []string{"fioricet", "fiorinal"}},
	{Sedative, "secobarbital", []string{"seconal"}},
	{Sedative, "amobarbital", []string{"amytal"}},
	{Sedative, "pentobarbital", []string{"nembutal"}},
	{Sedative, "butabarbital", nil},
	{Sedative, "suvorexant", []string{"belsomra"}},
	{Sedative, "lemborexant", []string{"dayvigo"}},
	{Sedative, "daridorexant", []string{"quviviq"}},
	{Sedative, "sodium oxybate", []string{"oxybate", "oxybates", "xyrem", "xywav", "lumryz"}},
	{Sedative, "chloral hydrate", []string{"chloral", "welldorm"}},
	{Sedative, "clomethiazole", []string{"chlormethiazole", "heminevrin"}},
	{Sedative, "meprobamate", nil},
	{Sedative, "carisoprodol", []string{"soma"}},
	{Sedative, "baclofen", []string{"lioresal", "lyflex", "ozobax"}},
	{Sedative, "tizanidine", []string{"zanaflex"}},
	{Sedative, "cyclobenzaprine", []string{"flexeril", "amrix"}},
	{Sedative, "hydroxyzine", []string{"atarax", "vistaril", "ucerax"}},
	{Sedative, "promethazine", []string{"phenergan"}},
	{Sedative, "diphenhydramine", nil},
	{Sedative, "doxylamine", nil},

	// The Ashton table's benzodiazepines, with brand names from the same
	// table; the conversions are in ashtonEquivalents.
	{Benzodiazepine, "alprazolam", []string{"xanax"}},
	{Benzodiazepine, "bromazepam", []string{"lexotan", "lexomil", "lectopam"}},
	{Benzodiazepine, "chlordiazepoxide", []string{"librium"}},
	{Benzodiazepine, "clobazam", []string{"frisium", "onfi", "sympazan"}},
	{Benzodiazepine, "clonazepam", []string{"klonopin", "rivotril"}},
	{Benzodiazepine, "clorazepate", []string{"tranxene"}},
	{Benzodiazepine, "diazepam", []string{"valium", "diastat", "valtoco"}},
	{Benzodiazepine, "estazolam", []string{"prosom"}},
	{Benzodiazepine, "flunitrazepam", []string{"rohypnol"}},
	{Benzodiazepine, "flurazepam", []string{"dalmane"}},
	{Benzodiazepine, "halazepam", []string{"paxipam"}},
	{Benzodiazepine, "ketazolam", []string{"anxon"}},
	{Benzodiazepine, "loprazolam", []string{"dormonoct"}},
	{Benzodiazepine, "lorazepam", []string{"ativan"}},
	{Benzodiazepine, "lormetazepam", []string{"noctamid"}},
	{Benzodiazepine, "medazepam", []string{"nobrium"}},
	{Benzodiazepine, "nitrazepam", []string{"mogadon"}},
	{Benzodiazepine, "nordazepam", []string{"nordaz", "calmday"}},
	{Benzodiazepine, "oxazepam", []string{"serax", "serenid", "serepax"}},
	{Benzodiazepine, "prazepam", []string{"centrax"}},
	{Benzodiazepine, "quazepam", []string{"doral"}},
	{Benzodiazepine, "temazepam", []string{"restoril", "normison", "euhypnos"}},
	{Benzodiazepine, "triazolam", []string{"halcion"}},
	// Benzodiazepines (and a thienodiazepine) outside the table: no
	// conversion, so a gap rather than a guess.
	{Benzodiazepine, "midazolam", []string{"buccolam", "epistatus", "hypnovel", "nayzilam"}},
	{Benzodiazepine, "etizolam", nil},
	{Benzodiazepine, "brotizolam", []string{"lendormin"}},
	{Benzodiazepine, "phenazepam", nil},

	{Lamotrigine, "lamotrigine", []string{"lamictal"}},
}

// Recognised is a medicine Doorway found in a name: its generic name and
// its class.
type Recognised struct {
	Generic string
	Class   MedClass
}

// medicineIndex maps each name, as normalised words joined by single
// spaces, to what it is; longestName is the most words any name has.
var medicineIndex, longestName = func() (map[string]Recognised, int) {
	idx := map[string]Recognised{}
	longest := 1
	for _, m := range medicineNames {
		for _, n := range append([]string{m.generic}, m.also...) {
			key := strings.Join(words(n), " ")
			idx[key] = Recognised{Generic: m.generic, Class: m.class}
			longest = max(longest, len(words(n)))
		}
	}
	return idx, longest
}()

// words splits a name into lower-case words of letters and digits, so that
// "Co-codamol 30/500mg" is co, codamol, 30, 500mg.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// RecogniseMedicine finds the medicines in a name as a client or clinician
// wrote it, in the order they appear: one for "Vyvanse 30 mg", two for
// "codeine and promethazine", none for "sertraline" (not an interacting
// medicine) or a misspelling.
func RecogniseMedicine(name string) []Recognised {
	ws := words(name)
	var out []Recognised
	for i := 0; i < len(ws); i++ {
		// The longest name that starts here wins, so "sodium oxybate" is
		// one medicine and "ms contin" is morphine.
		for n := min(longestName, len(ws)-i); n >= 1; n-- {
			if r, ok := medicineIndex[strings.Join(ws[i:i+n], " ")]; ok {
				if !slices.Contains(out, r) {
					out = append(out, r)
				}
				i += n - 1
				break
			}
		}
	}
	return out
}

// recognisedIn is the first medicine of the class in the name.
func recognisedIn(name string, class MedClass) (Recognised, bool) {
	for _, r := range RecogniseMedicine(name) {
		if r.Class == class {
			return r, true
		}
	}
	return Recognised{}, false
}

// Unrecognised lists the names in the facts' medicines that match no
// medicine Doorway knows, trimmed, in order, for the screen to say "not
// recognised: ...". Most will be medicines that do not interact (an
// antidepressant, a blood-pressure tablet); the prescriber checks them by
// hand, as Doorway could not.
func (f Facts) Unrecognised() []string {
	var out []string
	for _, m := range f.Medications {
		if name := strings.TrimSpace(m.Name); name != "" && len(RecogniseMedicine(name)) == 0 {
			out = append(out, name)
		}
	}
	return out
}
