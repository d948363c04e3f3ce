package synth

// The words the synthetic practice is made of: invented names, and notes
// in the register a clinician or a client would write, none of them about a
// real person.

var givenNames = []string{"Alex", "Sam", "Jordan", "Robin", "Morgan", "Casey", "Riley", "Avery", "Quinn", "Taylor", "Jamie", "Drew",
	"Rowan", "Sage", "Emery", "Harper", "Reese", "Skyler", "Dana", "Lee", "Noor", "Ines", "Mateo", "Priya", "Kenji", "Amara", "Tomas",
	"Leila", "Owen", "Mira", "Jonah", "Esme", "Ravi", "Ada", "Felix", "Iris", "Hugo", "Lena", "Omar", "Nadia"}

var familyNames = []string{"Rivera", "Okafor", "Lee", "Castillo", "Chen", "Brooks", "Fischer", "Adeyemi", "Gallagher", "Haddad", "Kim",
	"Nakamura", "Sharma", "Williams", "Novak", "Moreau", "Larsen", "Silva", "Walsh", "Duarte", "Park", "Ibrahim", "Costa", "Nguyen",
	"Bauer", "Kowalski", "Mensah", "Ortiz", "Hale", "Quist"}

var prepNotes = []string{
	"Goals: move from numbness toward feeling again. Talked through set and setting, the eye mask and music. Companion arranged.",
	"Reviewed what a session is like; questions about nausea and the ride home answered. Intention drafted together.",
	"Explored fears of losing control; practised box breathing. Client feels ready and knows they can ask to pause.",
}

var intentions = []string{
	"To meet the heaviness with curiosity.",
	"To let the grief move.",
	"To find some space around the worry.",
	"To listen to what my body knows.",
	"To be kinder to myself.",
}

var reflections = []string{
	"This morning I feel lighter, and a little tired. The music stayed with me; I kept seeing a wide grey sea.",
	"Not much happened that I can name. I felt held, and far away, and that was enough.",
	"A memory of my grandmother's kitchen came back, warm and clear. I want to talk about it next time.",
	"I cried near the end and it did not feel bad. The words that stayed: you are allowed to rest.",
}
