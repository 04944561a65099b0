package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"torg"
)

// fake is a server that answers from a script, one answer per request, and records what it got.
type fake struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	got     []*http.Request
	bodies  []string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	if r.Body != nil {
		buf := make([]byte, 1<<16)
		n, _ := r.Body.Read(buf)
		b.Write(buf[:n])
	}
	f.got, f.bodies = append(f.got, r), append(f.bodies, b.String())
	answer := f.answers[0]
	if len(f.answers) > 1 {
		f.answers = f.answers[1:]
	}
	answer(w)
}

// problem answers a problem detail.
func problem(status int, slug string, fields ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		p := torg.Problem{Type: "/docs/problems/" + slug, Title: slug, Status: status, Detail: "it is " + slug}
		for _, f := range fields {
			p.Errors = append(p.Errors, torg.ProblemField{Field: f, Message: "is wrong"})
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(p)
	}
}

// created answers a warehouse.
func created(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	w.Write([]byte(`{"id":"w1","code":"MAIN","name":"Склад"}`))
}

// setup starts a fake server with the script and a client of it that pauses only a millisecond.
func setup(t *testing.T, answers ...func(w http.ResponseWriter)) (*fake, *Client) {
	t.Helper()
	f := &fake{answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Config{Server: srv.URL, Token: "secret", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

var warehouse = CreateWarehouseJSONRequestBody{Code: "MAIN", Name: "Склад"}

func TestAPOSTIsRetriedUnderOneKeyUntilItIsAnswered(t *testing.T) {
	f, c := setup(t, problem(503, "unavailable"), problem(409, "idempotency-in-progress"), created)
	resp, err := c.CreateWarehouseWithResponse(context.Background(), nil, warehouse)
	if err != nil || resp.JSON201 == nil || resp.JSON201.Id != "w1" {
		t.Fatalf("got %v, %v", resp, err)
	}
	if len(f.got) != 3 {
		t.Fatalf("%d requests, want 3", len(f.got))
	}
	key := f.got[0].Header.Get("Idempotency-Key")
	for i, r := range f.got {
		if k := r.Header.Get("Idempotency-Key"); key == "" || k != key {
			t.Errorf("attempt %d had the key %q, the first %q", i+1, k, key)
		}
		if r.Header.Get("Authorization") != "Bearer secret" {
			t.Errorf("attempt %d had Authorization %q", i+1, r.Header.Get("Authorization"))
		}
		if f.bodies[i] != f.bodies[0] || !strings.Contains(f.bodies[i], `"code":"MAIN"`) {
			t.Errorf("attempt %d sent %q, the first %q", i+1, f.bodies[i], f.bodies[0])
		}
	}
}

func TestEveryCallHasAKeyOfItsOwnUnlessItSetsOne(t *testing.T) {
	f, c := setup(t, created)
	ctx := context.Background()
	for _, params := range []*CreateWarehouseParams{nil, nil, {IdempotencyKey: Ptr("SHOP-1")}} {
		if _, err := c.CreateWarehouseWithResponse(ctx, params, warehouse); err != nil {
			t.Fatal(err)
		}
	}
	a, b, own := f.got[0].Header.Get("Idempotency-Key"), f.got[1].Header.Get("Idempotency-Key"), f.got[2].Header.Get("Idempotency-Key")
	if a == "" || a == b || own != "SHOP-1" {
		t.Errorf("keys %q, %q and %q; want two new ones and SHOP-1", a, b, own)
	}
}

func TestARequestThatIsNotSafeToRepeatIsSentOnce(t *testing.T) {
	// POST /api/v1/api-tokens answers a new secret and takes no key: a retry would make a second token.
	f, c := setup(t, problem(503, "unavailable"))
	_, err := c.CreateAPITokenWithResponse(context.Background(), CreateAPITokenJSONRequestBody{Name: "shop", Role: APITokenRoleIntegration})
	if !IsProblem(err, torg.CodeUnavailable) || len(f.got) != 1 || f.got[0].Header.Get("Idempotency-Key") != "" {
		t.Errorf("got %v after %d requests (key %q); want 503 unavailable after one, without a key", err, len(f.got), f.got[0].Header.Get("Idempotency-Key"))
	}
}

func TestRetriesStop(t *testing.T) {
	f, c := setup(t, problem(503, "unavailable"))
	_, err := c.GetWarehouseWithResponse(context.Background(), "w1")
	if !IsProblem(err, torg.CodeUnavailable) || len(f.got) != 5 {
		t.Errorf("got %v after %d requests; want 503 unavailable after 5", err, len(f.got))
	}
}

func TestAProblemIsReturnedAsItsType(t *testing.T) {
	_, c := setup(t, problem(422, "validation", "code", "name"))
	_, err := c.CreateWarehouseWithResponse(context.Background(), nil, CreateWarehouseJSONRequestBody{})
	var p *ProblemError
	if !errors.As(err, &p) || p.Slug() != torg.CodeValidation || p.Status != 422 || len(p.Errors) != 2 || p.Errors[1].Field != "name" {
		t.Fatalf("got %#v", err)
	}
	if want := "torg: 422 validation: it is validation (code: is wrong; name: is wrong)"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestAnAnswerThatIsNotAProblemStillBecomesOne(t *testing.T) {
	_, c := setup(t, func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<h1>502 Bad Gateway</h1>"))
	})
	_, err := c.GetWarehouseWithResponse(context.Background(), "w1")
	var p *ProblemError
	if !errors.As(err, &p) || p.Status != 502 || p.Slug() != "" || !strings.Contains(p.Detail, "Bad Gateway") {
		t.Errorf("got %#v", err)
	}
}

func TestAPauseIsCutShortByTheContext(t *testing.T) {
	f := &fake{answers: []func(http.ResponseWriter){problem(503, "unavailable")}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c, _ := New(Config{Server: srv.URL, Backoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			f.mu.Lock()
			n := len(f.got)
			f.mu.Unlock()
			if n > 0 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	if _, err := c.GetWarehouseWithResponse(ctx, "w1"); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestTheKeyedPOSTsAreTheDocumentsOwn checks honoursKey against the OpenAPI document: a POST
// honours Idempotency-Key exactly when its operation takes the parameter.
func TestTheKeyedPOSTsAreTheDocumentsOwn(t *testing.T) {
	b, err := os.ReadFile("../internal/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Ref string `json:"$ref"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		op, ok := item["post"]
		if !ok {
			continue
		}
		takesKey := false
		for _, p := range op.Parameters {
			takesKey = takesKey || p.Ref == "#/components/parameters/IdempotencyKey"
		}
		real := regexp.MustCompile(`{[^}]+}`).ReplaceAllString(path, "x1")
		if honoursKey(real) != takesKey {
			t.Errorf("POST %s: the document says it takes a key: %v; honoursKey says %v", path, takesKey, honoursKey(real))
		}
	}
}
