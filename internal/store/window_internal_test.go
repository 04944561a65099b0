package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"torg"
)

// An order filled with a warehouse's thousands of registers puts one snapshot into each of their
// windows: it is one piece of memory, and counts once against the windows' bound, so the windows stay
// and answer from memory. A snapshot each window read from the database for itself counts for itself.
func TestASharedSnapshotCountsOnceAgainstTheBound(t *testing.T) {
	var w windows
	body := json.RawMessage(`{"lines":"` + strings.Repeat("x", windowBytes/100) + `"}`)
	got := map[string]*given{}
	var ids []string
	for i := range 1000 { // a thousand times the snapshot's bytes: ten times the bound, counted per package
		id := "R" + strconv.Itoa(i)
		ids = append(ids, id)
		got[id] = &given{before: 0, whole: true, ps: []torg.Package{{Seq: 1, Kind: torg.PackageUpsert, Order: body}}}
	}
	w.begin(ids)
	w.end(got, true)
	for _, id := range ids {
		if out, ok := w.lookup(id, 0, true); !ok || len(out.Packages) != 1 {
			t.Fatalf("register %s: answered from memory %v, %+v; want its one package", id, ok, out)
		}
	}
	if w.bytes != int64(len(body)) {
		t.Errorf("the windows count %d bytes, want the one snapshot's %d", w.bytes, len(body))
	}
	for _, id := range ids[:500] {
		w.drop(w.regs[id])
	}
	if w.bytes != int64(len(body)) {
		t.Errorf("half the windows dropped: %d bytes counted, want %d", w.bytes, len(body))
	}
	for _, id := range ids[500:] {
		w.drop(w.regs[id])
	}
	if w.bytes != 0 || len(w.refs) != 0 {
		t.Errorf("every window dropped: %d bytes and %d snapshots counted, want none", w.bytes, len(w.refs))
	}

	// Read from the database, each register's copy is its own memory: over the bound, all are dropped.
	for i, id := range ids[:200] {
		copied := json.RawMessage(string(body))
		w.refill(id, w.ticket(id), 0, torg.Packages{LastSeq: 1, Packages: []torg.Package{{Seq: 1, Kind: torg.PackageUpsert, Order: copied}}})
		if held := w.held; held != i+1 && i < 99 {
			t.Fatalf("after %d refills %d packages held", i+1, held)
		}
	}
	if w.bytes > windowBytes {
		t.Errorf("the windows hold %d bytes of copies, over the bound %d", w.bytes, windowBytes)
	}
}
