package register

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"torg"
)

// client talks to the back office's register channel (docs/API.md, «The register channel») with the register's token.
type client struct {
	base  string
	token string
	http  *http.Client
	// reached, when set, hears after every request whether the back office answered it: any answer
	// below 500 counts, even a refusal; no answer, or a 5xx, does not.
	reached func(ok bool, err error)
}

func newClient(server, token string, reached func(ok bool, err error)) *client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 15 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
	return &client{base: strings.TrimRight(server, "/"), token: token, http: &http.Client{Transport: tr}, reached: reached}
}

// problem is an error answer of the server.
type problem struct {
	Status int               `json:"status"`
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Detail string            `json:"detail"`
	Errors []torg.FieldError `json:"errors"`
}

func (p *problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// slug is the last part of the problem's type.
func (p *problem) slug() string { return p.Type[strings.LastIndex(p.Type, "/")+1:] }

// call sends a request and decodes a 2xx answer into out. An answer of the server that is not 2xx
// is a *problem; no answer at all (the server unreachable) is any other error.
func (c *client) call(ctx context.Context, method, path string, body, out any, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.report(ctx, false, err)
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		c.report(ctx, false, fmt.Errorf("%s %s: %s", method, path, resp.Status))
	} else {
		c.report(ctx, true, nil) // the answer's headers are here: the back office is reachable
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		p := &problem{Status: resp.StatusCode}
		json.Unmarshal(data, p)
		if p.Type == "" {
			p.Type, p.Detail = "/unknown", strings.TrimSpace(string(data))
		}
		return resp.StatusCode, p
	}
	if out != nil && len(data) > 0 {
		return resp.StatusCode, json.Unmarshal(data, out)
	}
	return resp.StatusCode, nil
}

// report tells reached how a request went; a request abandoned because the agent stops says nothing.
func (c *client) report(ctx context.Context, ok bool, err error) {
	if c.reached == nil || (!ok && errors.Is(ctx.Err(), context.Canceled)) {
		return
	}
	c.reached(ok, err)
}

// packages fetches the packages after seq, acknowledging everything up to it, waiting up to wait.
func (c *client) packages(ctx context.Context, after int64, wait time.Duration) (torg.Packages, error) {
	var out torg.Packages
	path := "/api/v1/register/packages?after=" + strconv.FormatInt(after, 10) + "&wait=" + strconv.Itoa(int(wait/time.Second))
	_, err := c.call(ctx, http.MethodGet, path, nil, &out, wait+15*time.Second)
	return out, err
}

// claim asks for the order to sell it («Подобрать чек»), or renews the claim.
func (c *client) claim(ctx context.Context, orderID string, version int64) (torg.Claim, error) {
	var out torg.Claim
	_, err := c.call(ctx, http.MethodPost, "/api/v1/register/orders/"+orderID+"/claim", map[string]int64{"version": version}, &out, 10*time.Second)
	return out, err
}

// release gives the order back.
func (c *client) release(ctx context.Context, orderID string) error {
	_, err := c.call(ctx, http.MethodDelete, "/api/v1/register/orders/"+orderID+"/claim", nil, nil, 10*time.Second)
	return err
}

// upload sends a closed receipt; the server answers 201 the first time and 200 after.
func (c *client) upload(ctx context.Context, body json.RawMessage) error {
	_, err := c.call(ctx, http.MethodPost, "/api/v1/register/transactions", body, nil, 20*time.Second)
	return err
}

// sale asks the back office for a sale of this register's warehouse, by the query (transaction_id, or
// fn and fd), with what is left to return of it.
func (c *client) sale(ctx context.Context, query string) (torg.SaleForReturn, error) {
	var out torg.SaleForReturn
	_, err := c.call(ctx, http.MethodGet, "/api/v1/register/sales?"+query, nil, &out, 10*time.Second)
	return out, err
}
