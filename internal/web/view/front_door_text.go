package view

import "strconv"

// The public pages' words. They are written for someone wondering whether
// this might help them: plain, warm, and careful never to promise a cure.

// PublicSection is one heading of a public page and its paragraphs.
type PublicSection struct {
	Heading string
	Paras   []string
	Points  []string
}

// PublicPage is one of the pages a visitor reads before they are a client.
type PublicPage struct {
	Path     string
	Title    string
	Lead     string
	Sections []PublicSection
}

// PublicClinic is what a visitor is told about the clinic their inquiry goes to.
type PublicClinic struct {
	Name, Email, Phone, ShortName string
}

// PublicNav lists the public pages in reading order.
var PublicNav = []NavItem{
	{Label: "Home", Href: "/"},
	{Label: "About KAP", Href: "/about-kap"},
	{Label: "Is it for me?", Href: "/is-it-for-me"},
	{Label: "Medicine sessions", Href: "/medicine-sessions"},
	{Label: "Safety and consent", Href: "/safety"},
	{Label: "Questions", Href: "/questions"},
	{Label: "Articles", Href: "/articles"},
	{Label: "Workbook", Href: "/workbook"},
	{Label: "Articles by e-mail", Href: "/series"},
	{Label: "Get in touch", Href: "/inquire"},
}

// publicHref is where a public nav item links: the inquiry and series
// pages of the clinic the visitor came for, every other page as it is.
func publicHref(n NavItem, c PublicClinic) string {
	switch n.Href {
	case "/inquire":
		return inquireAction(c)
	case "/series":
		return seriesAction(c)
	}
	return n.Href
}

// PublicPageFor finds the page for a path.
func PublicPageFor(path string) (PublicPage, bool) {
	for _, p := range publicPages {
		if p.Path == path {
			return p, true
		}
	}
	return PublicPage{}, false
}

var publicPages = []PublicPage{
	{
		Path: "/about-kap", Title: "What ketamine-assisted psychotherapy is",
		Lead: "Ketamine-assisted psychotherapy (KAP) brings together talking therapy and a few carefully supervised sessions with ketamine, a medicine used in anaesthesia for decades. The therapy is the heart of it; the medicine can help some people look at hard things from a new angle.",
		Sections: []PublicSection{
			{Heading: "Three phases", Paras: []string{"A course of KAP moves through three phases, at a pace agreed with you."}, Points: []string{
				"Preparation: you meet your therapist a few times, talk about what you hope for, learn what the medicine may feel like, and agree on how you will be cared for.",
				"Medicine sessions: in a calm room, with a clinician present the whole time, you take a measured dose and rest with music or quiet while your vital signs are watched.",
				"Integration: in the days and weeks after, you and your therapist make sense of what came up and how it fits into your everyday life.",
			}},
			{Heading: "What it is not", Paras: []string{"KAP is not a cure and not a quick fix. Some people feel real change; others feel little. Your care team will be honest with you about what is and is not happening, and you can stop at any time."}},
		},
	},
	{
		Path: "/is-it-for-me", Title: "Who it may help, and who it is not for",
		Lead: "KAP is offered to adults who are struggling with something such as long-lasting depression, anxiety, the after-effects of trauma, or grief, and for whom other help has not been enough.",
		Sections: []PublicSection{
			{Heading: "It may help if", Points: []string{
				"you have lived with low mood, anxiety or trauma for a long time;",
				"you are willing to do the preparation and integration work with a therapist, not only the medicine sessions;",
				"you have someone who can take you home after each medicine session.",
			}},
			{Heading: "It is not for you if", Paras: []string{"Some health conditions make ketamine unsafe. We will ask about them carefully before anything else happens. It is not offered if you:"}, Points: []string{
				"have an aneurysm or a malformation of the blood vessels, or have ever had bleeding in the brain;",
				"have had an allergic or severe reaction to ketamine;",
				"are pregnant or breastfeeding;",
				"are experiencing psychosis or mania at the moment;",
				"have very high blood pressure that is not under control;",
				"have had a stroke;",
				"have an overactive thyroid that is not treated or not under control;",
				"have had a heart attack in the past six weeks;",
				"are under 18.",
			}},
			{Heading: "Things we will talk through", Paras: []string{"Some things do not rule KAP out, but mean a prescriber looks more closely: a past psychotic illness or psychosis in a close relative, drug or heavy alcohol use now or a problem with drugs, alcohol or ketamine at any time, some medicines (such as benzodiazepines, stimulants, MAOI antidepressants or opioids), high blood pressure (treated or not), heart or liver problems, bladder or urinary problems, sleep apnoea, and thoughts of ending your life. Please tell us about them: it is how we keep you safe."}},
		},
	},
	{
		Path: "/medicine-sessions", Title: "What a medicine session is like",
		Lead: "A medicine session takes most of a morning or afternoon. You will know what to expect before the day comes.",
		Sections: []PublicSection{
			{Heading: "Before", Points: []string{"You do not eat for a few hours beforehand.", "A clinician checks your blood pressure, pulse and oxygen level, and how you are feeling, within the hour before the medicine.", "You arrange for someone to take you home: you must not drive until the next day."}},
			{Heading: "During", Paras: []string{"You sit or lie somewhere comfortable, often with an eye mask and music. The effects usually last under an hour. People describe feeling detached, dreamlike, or seeing things differently; some moments can feel uncomfortable. A clinician stays with you throughout and watches your blood pressure, heart rate and oxygen."}},
			{Heading: "After", Paras: []string{
				"Once the medicine is finished (the lozenge spat out, the infusion ended, the last spray given), you rest while a clinician keeps watching you, for at least two hours. You go home only when all of these are true: you are fully alert; your blood pressure and pulse have come back close to your own readings from before the medicine (within a fifth of them), or are no higher than 140/90 with a pulse between 50 and 100; and the companion you named is there to take you. Your clinic may set its own limits, and will tell you if it does.",
				"You must not drive, cycle or use machinery until the next day, after a night's sleep. An integration session follows soon after.",
			}},
		},
	},
	{
		Path: "/safety", Title: "Safety and consent",
		Lead: "Your safety comes before everything else, and nothing happens without your informed agreement.",
		Sections: []PublicSection{
			{Heading: "Screening", Paras: []string{"Before any medicine session, you fill in an intake form about your health, medicines and history. A prescriber reads it, checks it against clear safety rules, and decides with you whether KAP is a safe fit. If it is not, they will tell you why and help you think about other options."}},
			{Heading: "Consent", Paras: []string{"You will read and sign consent documents that explain the benefits, the risks and the alternatives in plain words. You may ask anything, take your time, and withdraw your consent at any point, including during a course."}},
			{Heading: "Your information", Paras: []string{"What you tell us is kept confidential, encrypted where it is stored, and seen only by the people caring for you. You can see who has looked at your record."}},
		},
	},
	{
		Path: "/questions", Title: "Questions people ask",
		Sections: []PublicSection{
			{Heading: "Will it fix my depression?", Paras: []string{"We cannot promise that. Research suggests KAP helps some people, and the therapy around the sessions matters as much as the medicine. We will check in with short questionnaires so you and your therapist can see honestly how things are going."}},
			{Heading: "Is ketamine addictive?", Paras: []string{"Ketamine can be misused, which is why it is only given in the clinic, at measured doses, a limited number of times, and why we ask about drug and alcohol use."}},
			{Heading: "How many sessions will I have?", Paras: []string{"Often a few preparation sessions, a small number of medicine sessions, and integration sessions after each. Your care team agrees the plan with you."}},
			{Heading: "Can I keep taking my medicines?", Paras: []string{"Usually yes, but some medicines interact with ketamine. Never stop a medicine on your own; your prescriber will talk it through with you."}},
			{Heading: "What if I change my mind?", Paras: []string{"You can stop at any time, for any reason."}},
		},
	},
}

func medID(part string, i int) string { return "med_" + part + "_" + strconv.Itoa(i) }

func medField(i int) string { return "med_" + strconv.Itoa(i) }

func medLegend(i int, m MedRow) string {
	if m.Name != "" {
		return m.Name
	}
	return "Medicine " + strconv.Itoa(i+1)
}
