package web_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/boombuler/barcode/code128"
)

// TestTheOrderPageShowsItsNumberAsABarcode: the order's page draws its number in Code 128, bar for
// bar, so that a cashier's scanner reads it from the printed page.
func TestTheOrderPageShowsItsNumberAsABarcode(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	id := sh.order("")
	page := e.login("admin").get("/orders/"+id, 200).body
	svg := regexp.MustCompile(`(?s)<figure class="order-barcode".*?</figure>`).FindString(page)
	label := regexp.MustCompile(`aria-label="(\d+)"`).FindStringSubmatch(svg)
	if label == nil {
		t.Fatalf("no barcode on the order page:\n%s", svg)
	}
	want, err := code128.Encode(label[1])
	if err != nil {
		t.Fatal(err)
	}
	var modules strings.Builder
	for x := 0; x < want.Bounds().Dx(); x++ {
		if r, _, _, _ := want.At(x, 0).RGBA(); r < 0x8000 {
			modules.WriteByte('1')
		} else {
			modules.WriteByte('0')
		}
	}
	drawn := []byte(strings.Repeat("0", want.Bounds().Dx()))
	for _, m := range regexp.MustCompile(`<rect x="(\d+)" width="(\d+)"`).FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[2])
		for i := x - 10; i < x-10+w; i++ {
			drawn[i] = '1'
		}
	}
	if string(drawn) != modules.String() {
		t.Errorf("the bars drawn\n%s\ndiffer from Code 128 of %s\n%s", drawn, label[1], modules.String())
	}
	if !strings.Contains(page, `aria-label="`+label[1]+`"`) || !strings.HasPrefix(label[1], "0") {
		t.Errorf("the barcode's number %q is not the order's", label[1])
	}
}
