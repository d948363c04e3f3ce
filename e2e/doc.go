// Package e2e holds Doorway's browser tests: the real program, booted on a
// free port with the demo practice, driven through Debian's Chromium with
// chromedp, with axe-core checking the accessibility of every page visited.
// All of it is in the _test files; this file only names the package.
//
// Environment:
//
//	DOORWAY_CHROMIUM      the browser (default /usr/bin/chromium)
//	DOORWAY_AXE           path to axe.min.js (else e2e/testdata/axe.min.js,
//	                      else the cache that .ci/run fills)
//	DOORWAY_SCREENSHOTS   keep full-page PNGs of the main pages in this directory
//	DOORWAY_TEST_POSTGRES also run against PostgreSQL
//	CI=true               a missing browser, axe-core or database fails instead of skipping
package e2e
