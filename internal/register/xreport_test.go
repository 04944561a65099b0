package register

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"torg"
	"torg/internal/browsertest"
)

// TestXReportShowsTheShiftSoFarAndLeavesItOpen: the X-report sums the open shift like the Z-report,
// without closing it; with no shift open it says so.
func TestXReportShowsTheShiftSoFarAndLeavesItOpen(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 10000))
	ctx := context.Background()
	if _, err := s.a.xReport(ctx); torg.ErrorCode(err) != torg.CodeStateConflict {
		t.Fatalf("an X-report before any sale: %v, want no shift open", err)
	}
	r, err := s.a.pick(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: torg.PaymentCash, Amount: 10000}}); err != nil {
		t.Fatal(err)
	}
	x, err := s.a.xReport(ctx)
	if err != nil || !x.Open || x.Receipts != 1 || x.Cash != 10000 || x.Total != 10000 {
		t.Fatalf("X-report %+v, %v", x, err)
	}
	s.do(browsertest.Click("#xreport"), chromedp.WaitVisible("#z-body"))
	if title := s.text("#z-title"); !strings.HasPrefix(title, "X-отчёт: смена 1") {
		t.Errorf("the report's title reads %q", title)
	}
	if body := s.text("#z-body"); !strings.Contains(body, "100,00") {
		t.Errorf("the report reads %q", body)
	}
	st, err := s.a.status(ctx)
	if err != nil || !st.ShiftOpen {
		t.Errorf("after the X-report the shift is open: %v (%v)", st.ShiftOpen, err)
	}
	z, err := s.a.closeShift(ctx)
	if err != nil || z.Open || z.Receipts != 1 {
		t.Errorf("Z-report after it: %+v, %v", z, err)
	}
}
