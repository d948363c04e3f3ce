package e2e

import (
	"os"
	"testing"
)

// TestMain closes what the tests share: the browser, the SQLite server and
// the temporary screenshots.
func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	stopShared()
	removeShots()
	os.Exit(code)
}
