package openapicheck

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// shared is the checker of the server's own document, made once for every test.
var shared = sync.OnceValues(New)

// Send sends a request to the server at base with a bearer token (none when token is empty) and
// optional headers as name, value pairs, and fails the test when the answer is not what the OpenAPI
// document says of its route: a status it does not list, or a body that does not match the schema.
// A body is sent as application/json unless a Content-Type header is given.
func Send(t testing.TB, base, method, path, token, body string, headers ...string) (status int, header http.Header, answer []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ = io.ReadAll(resp.Body)
	Check(t, method, req.URL.Path, resp, answer)
	return resp.StatusCode, resp.Header, answer
}

// Check fails the test when an answer of the server is not what the OpenAPI document says of its
// route: a status it does not list, or a body that does not match the schema (a required field left
// out, a null where none may be, a field the schema lacks).
func Check(t testing.TB, method, path string, resp *http.Response, body []byte) {
	t.Helper()
	c, err := shared()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := c.Answer(method, path, resp.StatusCode, resp.Header.Get("Content-Type"), body); err != nil {
		t.Errorf("the answer breaks the OpenAPI document: %v", err)
	}
}
