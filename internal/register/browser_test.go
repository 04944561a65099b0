package register

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"torg"
	"torg/internal/browsertest"
)

// attackPage is a web page of another origin that tries, every way a page can without a preflight,
// to close the agent's shift and a receipt, and to read its status.
func attackPage(agentURL, receiptID string) string {
	return fmt.Sprintf(`<!doctype html><title>shop</title>
<form id="f" method="POST" action="%[1]s/api/shift/close" target="sink" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<iframe name="sink"></iframe><iframe id="framed" src="%[1]s/"></iframe>
<script>
const tries = [
  fetch("%[1]s/api/shift/close", {method: "POST", mode: "no-cors"}),
  fetch("%[1]s/api/receipts/%[2]s/close", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
    body: JSON.stringify({payments: [{type: "cash", amount: 30000}]})}),
  fetch("%[1]s/api/shift/close", {method: "POST", headers: {"Content-Type": "application/json"}}).catch(() => "refused"),
  fetch("%[1]s/api/status").then((r) => r.text()).catch(() => "unread"),
];
document.getElementById("f").submit();
Promise.allSettled(tries).then((r) => { document.title = "done " + JSON.stringify(r[3].value); });
</script>`, agentURL, receiptID)
}

func TestAPageOfAnotherOriginCannotDriveTheAgent(t *testing.T) {
	ctx := browsertest.New(t)
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}, {Seq: 2, Kind: torg.PackageUpsert, Order: snapshot("b", 1)}},
	}}
	a, _ := startAgent(t, f, t.TempDir())
	eventually(t, "receiving the orders", func() bool { return len(orderIDs(t, a)) == 2 })
	sold, err := a.pick(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	soldOnce(t, a, sold) // a shift is open
	open, err := a.pick(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, attackPage(a.URL(), open.ID))
	}))
	t.Cleanup(shop.Close)

	var title string
	if err := chromedp.Do(ctx, chromedp.Navigate(shop.URL)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.HasPrefix(title, "done") && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		title, _ = chromedp.Run(ctx, chromedp.Title())
	}
	time.Sleep(300 * time.Millisecond) // the form's POST
	if !strings.HasPrefix(title, "done") {
		t.Fatalf("the page did not finish: %q", title)
	}
	if strings.Contains(title, "shift_number") {
		t.Errorf("the page read the agent's status: %s", title)
	}
	if !shiftOpen(t, a) {
		t.Error("the page closed the shift")
	}
	if r, _ := a.receiptOf(context.Background(), "id = ?", open.ID); r.State != "open" || fiscalDocuments(t, a) != 1 {
		t.Errorf("the page closed the receipt: %s, %d fiscal documents", r.State, fiscalDocuments(t, a))
	}
}

func TestTheCashierScreenShowsRefusedUploads(t *testing.T) {
	ctx := browsertest.New(t)
	f := &fakeServer{uploads: map[string]int{}, refuse: refusal, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}},
	}}
	a, r := pickedReceiptWith(t, f)
	soldOnce(t, a, r)
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL()+"/"), chromedp.WaitVisible("#rejections")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text("#rejections"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"отклонил чеков: 1", "Смена 1, чек № 1", "В запросе есть ошибки", "lines[0].product_id: no such product"} {
		if !strings.Contains(got, want) {
			t.Errorf("the screen says %q, without %q", got, want)
		}
	}
	if outbox, _ := chromedp.Run(ctx, chromedp.Text("#outbox")); outbox != "1" {
		t.Errorf("outbox %q", outbox)
	}
}
