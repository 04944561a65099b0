package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"torg"
)

// writePackages answers a fetch with its packages, as writeJSON would, except that an
// order.upsert's snapshot — stored JSON, often shared by every register's answer — is copied as it
// is instead of being parsed again by the encoder.
func writePackages(w http.ResponseWriter, out torg.Packages) error {
	body, err := appendPackages(make([]byte, 0, 512), out)
	if err != nil {
		return err
	}
	writeBody(w, http.StatusOK, body)
	return nil
}

func appendPackages(b []byte, out torg.Packages) ([]byte, error) {
	b = append(b, `{"packages":[`...)
	for i, p := range out.Packages {
		if i > 0 {
			b = append(b, ',')
		}
		if p.Order != nil && p.OrderID == "" && p.Reason == "" && p.RegisterID == "" && p.RegisterName == "" && p.ExpiresAt == nil {
			b = append(b, `{"seq":`...)
			b = strconv.AppendInt(b, p.Seq, 10)
			b = append(b, `,"kind":`...)
			b = strconv.AppendQuote(b, p.Kind) // kinds are plain ASCII words
			b = append(b, `,"order":`...)
			b = append(b, p.Order...)
			b = append(b, '}')
			continue
		}
		one, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		b = append(b, one...)
	}
	b = append(b, `],"last_seq":`...)
	b = strconv.AppendInt(b, out.LastSeq, 10)
	return append(b, '}'), nil
}
