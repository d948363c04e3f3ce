package audit

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// An entry about a request holding what no field can keep (an id far too
// long, a newline, bytes that are not UTF-8) is fitted, not lost: it
// chains, the escaped value is quoted, the cut one ends in an ellipsis,
// and nothing else changes.
func TestFitKeepsAnEntryAboutAnyRequest(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes, cut between characters only
	e := Entry{Time: time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC), ActorKind: ActorAnonymous, Action: "access.denied",
		Outcome: Denied, Severity: Info, ResourceType: "client", ResourceID: long, ClientID: "a\nforged line", RequestID: "r\x00\xff",
		IP: "192.0.2.1", Detail: strings.Repeat("d", 600)}
	if _, err := Chain(Genesis, e); err == nil {
		t.Fatal("the unfitted entry chains: the test proves nothing")
	}
	got := Fit(e)
	if _, err := Chain(Genesis, got); err != nil {
		t.Fatalf("a fitted entry does not chain: %v", err)
	}
	if len(got.ResourceID) > maxFieldLen || !utf8.ValidString(got.ResourceID) || !strings.HasSuffix(got.ResourceID, "…") ||
		!strings.HasPrefix(long, strings.TrimSuffix(got.ResourceID, "…")) {
		t.Errorf("long id: %q", got.ResourceID)
	}
	if got.ClientID != `"a\nforged line"` || got.RequestID != `"r\x00\xff"` {
		t.Errorf("escaped: %q %q", got.ClientID, got.RequestID)
	}
	if len(got.Detail) != MaxDetailLen || got.IP != "192.0.2.1" || got.Action != e.Action || got.ResourceType != "client" {
		t.Errorf("fitted entry: %+v", got)
	}
	if plain := (Entry{ResourceID: "abc", Detail: "fine"}); Fit(plain) != plain {
		t.Errorf("a value that fits was changed: %+v", Fit(plain))
	}
}
