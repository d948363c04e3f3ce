package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

type httpRecorder = httptest.ResponseRecorder

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func newFormRequest(method, path string, form url.Values) *http.Request {
	var body io.Reader = strings.NewReader(form.Encode())
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}
