package measures

import (
	"fmt"

	"doorway/internal/problem"
)

// PCL5Result holds what PCL-5 reports besides its total. PCL-5 has no
// validated severity bands: show the total against the cut-off, nothing more.
type PCL5Result struct {
	Cutoff       int  // the clinic's cut-off used
	ProbablePTSD bool // Total >= Cutoff
	// ProvisionalDiagnosis is the DSM-5 symptom rule: at least the needed
	// number of items rated 2 ("Moderately") or more in every cluster.
	ProvisionalDiagnosis bool
	Clusters             []ClusterCount
}

// ClusterCount is one cluster's part of the provisional-diagnosis rule.
type ClusterCount struct {
	Cluster  string // "B", "C", "D", "E"
	Endorsed int    // items rated 2 or more
	Needed   int
	Met      bool
}

// pcl5Symptom is the rating from which an item counts as a symptom.
const pcl5Symptom = 2

// pcl5Clusters are the DSM-5 clusters by item number, with how many rated
// items each needs for a provisional diagnosis.
var pcl5Clusters = []struct {
	key, label  string
	first, last int
	needed      int
}{
	{"B", "Intrusion (B)", 1, 5, 1},
	{"C", "Avoidance (C)", 6, 7, 1},
	{"D", "Negative changes in thinking and mood (D)", 8, 14, 2},
	{"E", "Changes in arousal and reactivity (E)", 15, 20, 2},
}

var pcl5Options = []Option{
	{Score: 0, Label: "Not at all"},
	{Score: 1, Label: "A little bit"},
	{Score: 2, Label: "Moderately"},
	{Score: 3, Label: "Quite a bit"},
	{Score: 4, Label: "Extremely"},
}

// pcl5 item wording is the official form's (INSTRUMENTS.md §3.3). The
// instructions swap the paper form's "circle one of the numbers to the right"
// for "choose one of the answers", as CamCOPS does for software.
var pcl5 = &Instrument{
	ID:         PCL5,
	Title:      "PTSD Checklist for DSM-5",
	ShortTitle: "PCL-5",
	Instructions: "Below is a list of problems that people sometimes have in response to a very stressful experience. " +
		"Please read each problem carefully and then choose one of the answers to indicate how much you have been bothered by that problem in the past month.",
	Stem:         "In the past month, how much were you bothered by:",
	RecallPeriod: "the past month",
	LOINCPanel:   "101697-1",
	LOINCTotal:   "101698-9",
	Licence: "Public domain (a work of the US Government). Weathers, F.W., Litz, B.T., Keane, T.M., Palmieri, P.A., Marx, B.P., & Schnurr, P.P. (2013). " +
		"The PTSD Checklist for DSM-5 (PCL-5). Scale available from the National Center for PTSD at www.ptsd.va.gov.",
	DefaultEnabled: true,
	Items: pcl5Items(
		"Repeated, disturbing, and unwanted memories of the stressful experience?",
		"Repeated, disturbing dreams of the stressful experience?",
		"Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were actually back there reliving it)?",
		"Feeling very upset when something reminded you of the stressful experience?",
		"Having strong physical reactions when something reminded you of the stressful experience (for example, heart pounding, trouble breathing, sweating)?",
		"Avoiding memories, thoughts, or feelings related to the stressful experience?",
		"Avoiding external reminders of the stressful experience (for example, people, places, conversations, activities, objects, or situations)?",
		"Trouble remembering important parts of the stressful experience?",
		"Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is completely dangerous)?",
		"Blaming yourself or someone else for the stressful experience or what happened after it?",
		"Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
		"Loss of interest in activities that you used to enjoy?",
		"Feeling distant or cut off from other people?",
		"Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving feelings for people close to you)?",
		"Irritable behavior, angry outbursts, or acting aggressively?",
		"Taking too many risks or doing things that could cause you harm?",
		"Being “superalert” or watchful or on guard?",
		"Feeling jumpy or easily startled?",
		"Having difficulty concentrating?",
		"Trouble falling or staying asleep?",
	),
	Caveats: []string{
		"The LOINC panel 101697-1 and total 101698-9 come from one secondary source; confirm them at loinc.org.",
		"No LOINC item or answer codes are known; items are exchanged under local linkIds (pcl5.1 … pcl5.20).",
		"There are no validated severity bands: the total is shown against the clinic's cut-off only.",
	},
}

func pcl5Items(texts ...string) []Item {
	items := make([]Item, len(texts))
	for i, t := range texts {
		n := fmt.Sprint(i + 1)
		items[i] = Item{Key: "pcl5." + n, Number: n, Text: t, Options: pcl5Options, Scored: true, Verified: true}
	}
	return items
}

// scorePCL5 sums the 20 items, the four cluster scores, and applies the
// cut-off and the provisional-diagnosis rule.
func scorePCL5(in *Instrument, a Answers, cutoff int) (Result, error) {
	if cutoff == 0 {
		cutoff = DefaultPCL5Cutoff
	}
	if cutoff < 1 || cutoff > 80 {
		return Result{}, problem.Invalidf("pcl5_cutoff", "The PCL-5 cut-off must be between 1 and 80; clinics use 31 to 33.")
	}
	r := totalResult(in, a)
	p := &PCL5Result{Cutoff: cutoff, ProbablePTSD: r.Total >= cutoff, ProvisionalDiagnosis: true}
	for _, c := range pcl5Clusters {
		s := Subscale{Key: c.key, Label: c.label, Max: 4 * (c.last - c.first + 1)}
		cc := ClusterCount{Cluster: c.key, Needed: c.needed}
		for n := c.first; n <= c.last; n++ {
			key := fmt.Sprintf("pcl5.%d", n)
			s.ItemKeys = append(s.ItemKeys, key)
			s.Score += a[key]
			if a[key] >= pcl5Symptom {
				cc.Endorsed++
			}
		}
		cc.Met = cc.Endorsed >= cc.Needed
		p.ProvisionalDiagnosis = p.ProvisionalDiagnosis && cc.Met
		r.Subscales = append(r.Subscales, s)
		p.Clusters = append(p.Clusters, cc)
	}
	r.PCL5 = p
	return r, nil
}
