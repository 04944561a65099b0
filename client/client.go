// Package client is a Go client of torg's HTTP API, for a web shop or any other integration.
//
// Its operations are generated from the OpenAPI document the server publishes (openapi.gen.go, by
// go generate), with quantities, money and problems in the domain's exact types (torg.Quantity,
// torg.Money, torg.Problem). This file is the thin layer on top: the bearer token, an
// Idempotency-Key on every POST that takes one, retries with backoff where a retry is safe, and
// error answers returned as a *ProblemError.
package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"torg"
)

// Config says which server to reach and how.
type Config struct {
	// Server is the address the server's /openapi.json is read from, such as
	// http://127.0.0.1:8080: every path of the API is written whole, /api/v1 included.
	Server string
	// Token is a bearer token, such as an integration token made by POST /api/v1/api-tokens.
	Token string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Retries is how many times a request is sent again after the first attempt when a retry is
	// safe (see Client); 0 means 4, and a negative number none.
	Retries int
	// Backoff is the pause before the first retry, doubled before each next one (with jitter, at
	// most 30 s), unless the answer names one in Retry-After; 0 means 200 ms.
	Backoff time.Duration
}

// Client calls torg's API: every generated operation (CreateOrderWithResponse and the others),
// through a transport that
//
//   - sends the token as Authorization: Bearer;
//   - gives every POST that honours Idempotency-Key a new key, unless the call's params set one,
//     and keeps that key for every retry of the call, so that the server does its effect once and
//     answers each retry with the stored first answer;
//   - retries with backoff an answer 409 idempotency-in-progress (the first request with the key
//     still runs), and, for a request that is safe to repeat (GET, HEAD, DELETE, or a POST with an
//     Idempotency-Key), an answer 503 or a failure to get any answer;
//   - returns every error status as a *ProblemError: the call returns it as its error, and no
//     response value.
type Client struct {
	*ClientWithResponses
}

// New makes a client of the server.
func New(cfg Config) (*Client, error) {
	if cfg.Server == "" {
		return nil, errors.New("client: Config.Server is empty")
	}
	t := &transport{http: cfg.HTTPClient, token: cfg.Token, retries: cfg.Retries, backoff: cfg.Backoff}
	if t.http == nil {
		t.http = http.DefaultClient
	}
	switch {
	case t.retries == 0:
		t.retries = 4
	case t.retries < 0:
		t.retries = 0
	}
	if t.backoff <= 0 {
		t.backoff = 200 * time.Millisecond
	}
	c, err := NewClientWithResponses(cfg.Server, WithHTTPClient(t))
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}

// ProblemError is an answer with an error status, as the problem detail it carries. An answer that
// is not application/problem+json (from a proxy in front of the server, say) becomes one too, with
// its status, and the start of its body as the detail.
type ProblemError struct {
	torg.Problem
}

// Error says the status, the problem type and the detail, and names the bad fields.
func (e *ProblemError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "torg: %d", e.Status)
	if slug := e.Slug(); slug != "" {
		fmt.Fprintf(&b, " %s", slug)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	for i, f := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = " ("
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, f.Field, f.Message)
	}
	if len(e.Errors) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// Slug is the problem type's slug, such as torg.CodeValidation or torg.CodeDuplicate; empty for an
// answer that was not a problem detail.
func (e *ProblemError) Slug() torg.Code {
	if e.Type == "" {
		return ""
	}
	return torg.Code(e.Type[strings.LastIndex(e.Type, "/")+1:])
}

// IsProblem reports whether err is, or wraps, a problem of the slug.
func IsProblem(err error, slug torg.Code) bool {
	var p *ProblemError
	return errors.As(err, &p) && p.Slug() == slug
}

// transport is the HttpRequestDoer behind a Client.
type transport struct {
	http    *http.Client
	token   string
	retries int
	backoff time.Duration
}

// maxBackoff caps the pause between two attempts.
const maxBackoff = 30 * time.Second

// Do sends the request, again while a retry is safe and useful, and turns an error status into a
// *ProblemError.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	if req.Method == http.MethodPost && honoursKey(req.URL.Path) && req.Header.Get("Idempotency-Key") == "" {
		req.Header.Set("Idempotency-Key", uuid.NewString())
	}
	safe := safeToRepeat(req)
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, err := t.http.Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			if !safe || req.Context().Err() != nil || attempt >= t.retries || (req.Body != nil && req.GetBody == nil) {
				return nil, err
			}
		case resp.StatusCode < 400:
			return resp, nil
		default:
			problem, after := readProblem(resp)
			retry := problem.Slug() == torg.CodeIdemInProgress || (resp.StatusCode == http.StatusServiceUnavailable && safe)
			if !retry || attempt >= t.retries || (req.Body != nil && req.GetBody == nil) {
				return nil, problem
			}
			wait = after
		}
		if wait == 0 {
			wait = t.pause(attempt)
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
		}
	}
}

// pause is the backoff before retry number attempt+1: Backoff doubled attempt times, at most
// maxBackoff, less a random part of up to a half so that clients that failed together spread out.
func (t *transport) pause(attempt int) time.Duration {
	d := t.backoff << min(attempt, 16)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	return d - rand.N(d/2+1)
}

// readProblem reads and closes an error answer, and says how long its Retry-After asks to wait.
func readProblem(resp *http.Response) (*ProblemError, time.Duration) {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	p := &ProblemError{}
	media, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if media != "application/problem+json" || json.Unmarshal(body, &p.Problem) != nil {
		p.Problem = torg.Problem{Detail: string(bytes.TrimSpace(body[:min(len(body), 200)]))}
	}
	p.Status = resp.StatusCode
	var after time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		after = min(time.Duration(s)*time.Second, maxBackoff)
	}
	return p, after
}

// safeToRepeat reports whether sending the request twice has the effect of sending it once.
func safeToRepeat(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		return true
	case http.MethodPost:
		return req.Header.Get("Idempotency-Key") != "" && honoursKey(req.URL.Path)
	}
	return false
}

// keyed matches the paths of the POSTs that honour Idempotency-Key: every back-office POST but the
// two that answer with a new secret (POST /api/v1/api-tokens, POST /api/v1/registers/{id}/token)
// and running KKMTransfer; the register channel's POSTs take no key.
var keyed = regexp.MustCompile(`^/api/v1/(` +
	`(warehouses|cash-desks|products|customers|registers|orders|goods-receipts)` +
	`|orders/[^/]+/(registers|registers/fill|post|unpost|cancel)` +
	`|transactions/[^/]+/resolve` +
	`|(cash-receipts|cash-expenses)/[^/]+/post` +
	`|webhooks|webhooks/[^/]+/deliveries/[^/]+/redeliver` +
	`)$`)

// honoursKey reports whether a POST to the path honours Idempotency-Key.
func honoursKey(path string) bool { return keyed.MatchString(path) }

// Replayed reports whether an answer is the stored answer of an earlier request with the same
// Idempotency-Key and body (the header Idempotent-Replayed: true).
func Replayed(resp *http.Response) bool {
	return resp != nil && resp.Header.Get("Idempotent-Replayed") == "true"
}

// Ptr returns a pointer to v, for the optional fields and parameters of the generated types, such
// as an Idempotency-Key of your own (made from the shop's order number, say, so that it holds across
// restarts of the shop): &client.CreateOrderParams{IdempotencyKey: client.Ptr("SHOP-1001")}.
func Ptr[T any](v T) *T { return &v }

// ensure the transport is what the generated client needs.
var _ HttpRequestDoer = (*transport)(nil)
