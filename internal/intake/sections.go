package intake

import "doorway/internal/screening"

// The questions are worded for the client. The ids are stable: saved answers
// and Facts refer to them.
var sections = []Section{
	{
		ID: "contact", Title: "Contact and emergency contact",
		Intro: "How we reach you, and who we call if we cannot reach you in an emergency.",
		Questions: []Question{
			{ID: "phone", Kind: Text, Label: "Your phone number"},
			{ID: "address", Kind: LongText, Label: "Your address", Optional: true},
			{ID: "emergency_name", Kind: Text, Label: "Emergency contact's name"},
			{ID: "emergency_relationship", Kind: Text, Label: "How they are related to you", Hint: "For example partner, parent, friend."},
			{ID: "emergency_phone", Kind: Text, Label: "Emergency contact's phone number"},
		},
	},
	{
		ID: "medical", Title: "Medical history",
		Intro: "Ketamine raises blood pressure and heart rate for a while, so we ask about your heart, blood vessels and a few other things. Answer as best you know.",
		Questions: []Question{
			{ID: "aneurysm_avm", Kind: YesNo, Label: "Have you ever been told you have an aneurysm or an arteriovenous malformation (AVM)?"},
			{ID: "ich", Kind: YesNo, Label: "Have you ever had bleeding inside the brain (an intracerebral haemorrhage)?"},
			{ID: "stroke", Kind: YesNo, Label: "Have you ever had a stroke?", Hint: "When the blood supply to part of the brain is cut off, or a blood vessel in the brain bursts."},
			{ID: "heart_attack", Kind: YesNo, Label: "Have you ever had a heart attack?"},
			{ID: "heart_attack_when", Kind: Text, Format: DateOrMonth, Optional: true, Label: "If you have: when was your most recent heart attack?",
				Hint: "The date, such as 2025-11-20, or the month, such as 2025-11, if you do not remember the day."},
			{ID: "heart_disease", Kind: YesNo, Label: "Do you have any other heart disease, or have you had a mini-stroke (TIA) or another problem with the blood vessels of the brain?"},
			{ID: "hypertension", Kind: Choice, Label: "High blood pressure", Options: []Option{
				{string(screening.HypertensionNone), "I do not have high blood pressure"},
				{string(screening.HypertensionUntreated), "I have it and it is not treated"},
				{string(screening.HypertensionTreatedControlled), "It is treated and under control"},
				{string(screening.HypertensionTreatedPoorly), "It is treated but often still high"},
			}},
			{ID: "intracranial_pressure", Kind: YesNo, Label: "Have you been told you have raised pressure inside your head?"},
			{ID: "intraocular_pressure", Kind: YesNo, Label: "Have you been told you have raised pressure in your eyes, or glaucoma?"},
			{ID: "liver_disease", Kind: YesNo, Label: "Do you have liver disease?"},
			{ID: "hyperthyroidism_untreated", Kind: YesNo, Label: "Do you have an overactive thyroid (hyperthyroidism) that is not treated, or that is treated but not yet under control?"},
			{ID: "bladder_disease", Kind: YesNo, Label: "Do you have bladder pain, cystitis, or another problem with your bladder or urinary tract?"},
			{ID: "ketamine_hypersensitivity", Kind: YesNo, Label: "Have you ever had an allergic or severe reaction to ketamine or esketamine?"},
			{ID: "sleep_apnoea", Kind: YesNo, Label: "Have you been diagnosed with sleep apnoea?"},
			{ID: "snore", Kind: YesNo, Label: "Do you snore loudly?"},
			{ID: "tired", Kind: YesNo, Label: "Do you often feel tired or sleepy during the day?"},
			{ID: "observed_apnoea", Kind: YesNo, Label: "Has anyone seen you stop breathing, choke or gasp in your sleep?"},
			{ID: "neck_large", Kind: YesNo, Label: "Is your shirt collar size over 40 cm (16 inches)?"},
			{ID: "male", Kind: YesNo, Label: "Were you assigned male at birth?", Hint: "A sleep apnoea questionnaire we use counts this."},
		},
	},
	{
		ID: "medications", Title: "Medicines", Medications: true,
		Intro: "Every medicine you take regularly, with its dose. Some medicines change how ketamine works, so your prescriber reads this closely.",
		Questions: []Question{
			{ID: "no_medications", Kind: Choice, Optional: true, Label: "If you take no regular medicines", Options: []Option{{"yes", "I take no regular medicines"}}},
		},
	},
	{
		ID: "substances", Title: "Alcohol and drugs",
		Intro: "There is no judgement here. Ketamine and some substances do not mix, and honest answers keep you safe.",
		Questions: []Question{
			{ID: "substance_disorder_12m", Kind: YesNo, Label: "In the past 12 months, has drinking or drug use caused you problems you could not control, or has anyone diagnosed a substance use disorder?"},
			{ID: "substance_use_3m", Kind: YesNo, Label: "In the past 3 months, have you used any recreational drug (cannabis included), or a prescription medicine not prescribed to you or not as prescribed?"},
			{ID: "substance_disorder_ever", Kind: YesNo, Label: "At any time in your life, has drinking or drug use caused you problems you could not control, or has anyone diagnosed a substance use disorder?"},
			{ID: "ketamine_disorder_ever", Kind: YesNo, Label: "At any time in your life, have you used ketamine in a way you could not control, or been diagnosed with a ketamine use disorder?"},
			{ID: "substance_details", Kind: LongText, Optional: true, Label: "Anything you would like us to know", Hint: "Optional. What, how often, and when you last used."},
		},
	},
	{
		ID: "mental_health", Title: "Mental health and family history",
		Questions: []Question{
			{ID: "psychosis_mania_now", Kind: YesNo, Label: "Are you hearing or seeing things others do not, or in a manic episode, at the moment?"},
			{ID: "psychotic_disorder", Kind: YesNo, Label: "Have you ever been diagnosed with a psychotic disorder such as schizophrenia, or had an episode of psychosis or mania?"},
			{ID: "family_psychosis", Kind: YesNo, Label: "Has a parent, brother, sister or child of yours had psychosis or schizophrenia?"},
			{ID: "personality_disorder", Kind: YesNo, Label: "Have you been diagnosed with a severe personality disorder?"},
			{ID: "suicidal_intent", Kind: YesNo, Label: "In the past month, have you had thoughts of ending your life together with a plan or an intention to act on them?", Hint: "If you are in danger now, call your local emergency number."},
		},
	},
	{
		ID: "pregnancy", Title: "Pregnancy and breastfeeding",
		Questions: []Question{
			{ID: "pregnant", Kind: YesNo, Label: "Are you pregnant, or could you be?"},
			{ID: "breastfeeding", Kind: YesNo, Label: "Are you breastfeeding?"},
		},
	},
	{
		ID: "body", Title: "Blood pressure, height and weight",
		Intro: "Your blood pressure only if you know a recent reading; we will measure it too.",
		Questions: []Question{
			{ID: "bp_systolic", Kind: Number, Optional: true, Label: "Blood pressure: the top number", Min: 60, Max: 260, Unit: "mmHg"},
			{ID: "bp_diastolic", Kind: Number, Optional: true, Label: "Blood pressure: the bottom number", Min: 30, Max: 160, Unit: "mmHg"},
			{ID: "height_cm", Kind: Number, Label: "Height", Min: 100, Max: 250, Unit: "cm"},
			{ID: "weight_kg", Kind: Number, Label: "Weight", Min: 25, Max: 350, Unit: "kg"},
		},
	},
	{
		ID: "hopes", Title: "What you hope for",
		Questions: []Question{
			{ID: "indication", Kind: Choice, Label: "What brings you to ketamine-assisted therapy?", Options: []Option{
				{string(screening.IndicationClinical), "Something I am struggling with, such as depression, anxiety, trauma or grief"},
				{string(screening.IndicationCuriosity), "Mostly curiosity about the experience"},
			}},
			{ID: "hopes", Kind: LongText, Label: "In your own words, what do you hope might change?"},
		},
	},
}
