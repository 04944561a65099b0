package torg

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook events: what a web shop may ask to be told of.
const (
	EventOrderSold           = "order.sold"           // a register sold the order
	EventOrderClosed         = "order.closed"         // KKMTransfer posted the order's sales invoice
	EventOrderCancelled      = "order.cancelled"      // staff or the shop cancelled the order
	EventOrderReturned       = "order.returned"       // a customer brought goods of the order's sale back
	EventTransactionConflict = "transaction.conflict" // a closed receipt needs a person (see ConflictReason)
)

// WebhookEvents lists every event a webhook may ask for.
var WebhookEvents = []string{EventOrderSold, EventOrderClosed, EventOrderCancelled, EventOrderReturned, EventTransactionConflict}

// Webhook delivery states.
const (
	DeliveryPending   = "pending"   // not yet answered 2xx; retried with backoff
	DeliveryDelivered = "delivered" // the receiver answered 2xx
	DeliveryFailed    = "failed"    // retried for WebhookRetryFor without success; redeliver sends it again
)

// Webhook delivery rules.
const (
	WebhookRetryFor     = 24 * time.Hour // an event is retried at least this long after it was written
	WebhookMaxBackoff   = time.Hour      // the longest wait between two attempts
	WebhookSignature    = "Torg-Signature"
	WebhookEventID      = "Torg-Event-Id"
	WebhookEventType    = "Torg-Event-Type"
	webhookURLMaxLength = 2000
)

// WebhookInput registers a webhook: the URL events are posted to and the events wanted.
type WebhookInput struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// Webhook is a registered receiver of events. Secret signs every delivery (see SignWebhook).
type Webhook struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Events      []string  `json:"events"`
	Description string    `json:"description"`
	Secret      string    `json:"secret"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate names every bad field. Unless allowPrivate, a URL that names a loopback, private,
// link-local or otherwise non-public address (or localhost) is refused, so that a token cannot make
// the server probe its own network; names are checked again, address by address, when connecting.
func (in *WebhookInput) Validate(allowPrivate bool) error {
	var f Fields
	validateWebhookURL(&f, in.URL, allowPrivate)
	if len(in.Events) == 0 {
		f.Add("events", "must name at least one event: %s", strings.Join(WebhookEvents, ", "))
	}
	for i, e := range in.Events {
		if !slices.Contains(WebhookEvents, e) {
			f.Add("events["+strconv.Itoa(i)+"]", "must be one of %s", strings.Join(WebhookEvents, ", "))
		} else if slices.Index(in.Events, e) < i {
			f.Add("events["+strconv.Itoa(i)+"]", "is named twice")
		}
	}
	if utf8.RuneCountInString(in.Description) > 200 {
		f.Add("description", "must be at most %d characters of text", 200)
	}
	return f.Err()
}

func validateWebhookURL(f *Fields, raw string, allowPrivate bool) {
	if raw == "" {
		f.Add("url", "is required")
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > webhookURLMaxLength || u.Host == "" || u.Opaque != "":
		f.Add("url", "must be an absolute http or https URL of at most %d characters", webhookURLMaxLength)
	case u.Scheme != "http" && u.Scheme != "https":
		f.Add("url", "must be an absolute http or https URL of at most %d characters", webhookURLMaxLength)
	case u.Fragment != "":
		f.Add("url", "must not have a fragment")
	case !allowPrivate && !publicHost(u.Hostname()):
		f.Add("url", "must name a public address: loopback, private and link-local ones are refused")
	}
}

// publicHost tells whether a URL's host may be public: a public address, or a name other than localhost.
func publicHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "" {
		return false
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return PublicAddress(a)
	}
	// A name's last label is a top-level domain, never numeric: hosts such as 0x7f.1 or 2130706433
	// are addresses in forms some resolvers accept, and are refused.
	last := h[strings.LastIndex(h, ".")+1:]
	return net.ParseIP(h) == nil && last != "" && (last[0] < '0' || last[0] > '9')
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), not reachable from outside.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// PublicAddress tells whether a webhook may be sent to the address: not loopback, private,
// link-local, multicast, unspecified or shared.
func PublicAddress(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() && !a.IsLinkLocalUnicast() && !cgnat.Contains(a)
}

// SignWebhook is the value of the Torg-Signature header of a delivery made at unix time ts:
// "t=TS,v1=HEX", where HEX is the lower-case hex HMAC-SHA256, keyed with the webhook's secret, of
// the decimal timestamp, a dot, and the body exactly as sent.
func SignWebhook(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10) + "."))
	mac.Write(body)
	return "t=" + strconv.FormatInt(ts, 10) + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookBackoff is how long to wait after the attempt-th failed attempt (1 for the first): first,
// doubled each time, at most WebhookMaxBackoff.
func WebhookBackoff(attempt int, first time.Duration) time.Duration {
	d := first
	for i := 1; i < attempt && d < WebhookMaxBackoff; i++ {
		d *= 2
	}
	return min(d, WebhookMaxBackoff)
}

// Event is what a webhook receives: an id to deduplicate on, the event and what it is about.
type Event struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      EventData `json:"data"`
}

// EventData is what an event is about: the order as it stands after the change, and the register
// transaction that made it, when one did.
type EventData struct {
	Order          *EventOrder `json:"order"`
	TransactionID  *string     `json:"transaction_id"`
	ConflictReason *string     `json:"conflict_reason"`
}

// EventOrder is an order as an event tells of it; GET /api/v1/orders/{id} has the rest.
type EventOrder struct {
	ID             string  `json:"id"`
	Number         string  `json:"number"`
	ExternalNumber *string `json:"external_number"`
	Status         Status  `json:"status"`
	Version        int64   `json:"version"`
	TransactionID  *string `json:"transaction_id"`
	SalesInvoiceID *string `json:"sales_invoice_id"`
	CashReceiptID  *string `json:"cash_receipt_id"`
}

// WebhookDelivery is one event's delivery to one webhook, as its delivery log shows it.
type WebhookDelivery struct {
	EventID       string     `json:"event_id"`
	Type          string     `json:"type"`
	OrderID       *string    `json:"order_id"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	LastStatus    *int       `json:"last_status"`
	LastError     *string    `json:"last_error"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	Event         Event      `json:"event"` // the body every delivery of it carries
}

// OutgoingDelivery is a delivery a sender has leased: where to post what.
type OutgoingDelivery struct {
	WebhookID string
	EventSeq  int64
	EventID   string
	Type      string
	URL       string
	Secret    string
	Body      []byte
	Attempt   int // this attempt's number since the event was written or redelivered, from 1
}

// DeliveryResult is how an attempt ended: the receiver's status (0 when it gave none) and why it
// failed ("" when it answered 2xx).
type DeliveryResult struct {
	Status int
	Error  string
}

// OK tells whether the receiver took the event.
func (r DeliveryResult) OK() bool { return r.Error == "" && r.Status >= 200 && r.Status < 300 }
