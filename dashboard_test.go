package torg

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestGrafanaDashboardUsesDocumentedMetrics: the sample dashboard is valid JSON, and every torg_
// metric its queries read is one docs/OPERATIONS.md lists.
func TestGrafanaDashboardUsesDocumentedMetrics(t *testing.T) {
	raw, err := os.ReadFile("docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("docs/OPERATIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`torg_\w+`)
	read := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			for _, m := range name.FindAllString(tg.Expr, -1) {
				read++
				for _, suffix := range []string{"_bucket", "_count", "_sum"} {
					m = strings.TrimSuffix(m, suffix)
				}
				if !strings.Contains(string(doc), "| `"+m+"` |") {
					t.Errorf("panel %q reads %s, which docs/OPERATIONS.md does not list", p.Title, m)
				}
			}
		}
	}
	if read == 0 {
		t.Fatal("the dashboard reads no torg_ metric")
	}
}
