package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// client talks to torg's API as the admin, or as a register with its token: to one server, or to
// several serving one PostgreSQL database, each request to the next of them in turn.
type client struct {
	url   string   // the servers' base URLs as given: comma-separated, without trailing slashes
	urls  []string // the same, one each
	next  atomic.Uint64
	admin string // the admin token
	http  *http.Client
}

// newClient returns a client of the servers at url (one base URL, or several separated by commas)
// whose transport keeps up to conns connections to each open; it never limits how many are open at
// once, so long polls do not queue behind each other.
func newClient(url, admin string, conns int) *client {
	t := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &client{url: url, urls: strings.Split(url, ","), admin: admin, http: &http.Client{Transport: t}}
}

// base is the URL of the server the next request goes to: the servers take turns.
func (c *client) base() string {
	if len(c.urls) == 1 {
		return c.urls[0]
	}
	return c.urls[(c.next.Add(1)-1)%uint64(len(c.urls))]
}

// close drops the client's idle connections.
func (c *client) close() { c.http.CloseIdleConnections() }

// statusError is an answer with a status other than the one expected.
type statusError struct {
	method, path string
	status, want int
	body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d, want %d: %s", e.method, e.path, e.status, e.want, e.body)
}

// do sends body (raw bytes, or a value marshalled as JSON; nil for none) with the token, expects
// the status, and decodes the answer into out unless out is nil.
func (c *client) do(ctx context.Context, method, path, token string, body any, want int, out any) error {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base()+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return &statusError{method: method, path: path, status: resp.StatusCode, want: want, body: string(b)}
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// admin sends a request as the admin.
func (c *client) adminDo(ctx context.Context, method, path string, body any, want int, out any) error {
	return c.do(ctx, method, path, c.admin, body, want, out)
}
