package api

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"torg"
)

// A fetch's answer, with snapshots copied as stored, means what the encoder would have written.
func TestAFetchsAnswerIsWhatTheEncoderWouldWrite(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 15, 0, 123000, time.UTC)
	for name, out := range map[string]torg.Packages{
		"none": {Packages: []torg.Package{}, LastSeq: 7},
		"every kind": {LastSeq: 12, Packages: []torg.Package{
			{Seq: 8, Kind: torg.PackageUpsert, Order: json.RawMessage(`{"id":"o1","comment":"<b>\"кавычки\"</b>","total":30000}`)},
			{Seq: 9, Kind: torg.PackageDelete, OrderID: "o1", Reason: torg.ReasonSold},
			{Seq: 10, Kind: torg.PackageClaimed, OrderID: "o1", RegisterID: "r2", RegisterName: "Касса 2", ExpiresAt: &at},
			{Seq: 11, Kind: "order.released", OrderID: "o1"},
			{Seq: 12, Kind: torg.PackageUpsert, Order: json.RawMessage(`{"id": "o2", "lines": [1, 2]}`)},
		}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := appendPackages(nil, out)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			json.Unmarshal(want, &w)
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("rendered %s\nthe encoder %s", got, want)
			}
		})
	}
}
