package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"torg"
)

// commit numbers k packages for the register as a numbering transaction of this process does.
func (w *windows) commit(registerID string, before int64, k int, body json.RawMessage) {
	g := &given{before: before, whole: body != nil}
	for i := range k {
		g.ps = append(g.ps, torg.Package{Seq: before + int64(i) + 1, Kind: torg.PackageUpsert, Order: body})
	}
	w.begin([]string{registerID})
	w.end(map[string]*given{registerID: g}, true)
}

func TestAWindowKeepsTheNewestPackagesOfItsRegister(t *testing.T) {
	var w windows
	w.commit("r", 0, 0, nil) // an empty window at 0
	w.commit("r", 0, windowSize+10, json.RawMessage(`{}`))
	last := int64(windowSize + 10)
	if _, ok := w.lookup("r", 5, true); ok {
		t.Error("a window answered for packages older than it holds")
	}
	p, ok := w.lookup("r", last-3, false)
	if !ok || len(p.Packages) != 3 || p.Packages[0].Seq != last-2 || p.LastSeq != last {
		t.Fatalf("the newest three: %+v, %v", p, ok)
	}
	if w.held != windowSize {
		t.Errorf("the window holds %d packages, want %d", w.held, windowSize)
	}
}

func TestAllWindowsTogetherStayWithinTheirBudget(t *testing.T) {
	var w windows
	body := `"` + strings.Repeat("x", 1<<20) + `"` // 1 MiB, a copy of its own in each register's window
	for i := range windowBytes>>20 + 2 {
		w.commit(string(rune('A'+i%26))+itoa(i), 0, 1, json.RawMessage(body))
		var held int64 // counted here, not by the windows' own count
		for _, r := range w.regs {
			for _, p := range r.ps {
				held += int64(len(p.Order))
			}
		}
		if held > windowBytes || w.held > windowBudget {
			t.Fatalf("after %d registers the windows hold %d bytes in %d packages", i+1, held, w.held)
		}
	}
}

func TestAWindowAnswersOnlyWhatItProvablyHolds(t *testing.T) {
	t.Run("a read that began before a numbering does not refill the window", func(t *testing.T) {
		var w windows
		tk := w.ticket("r")
		w.commit("r", 0, 2, json.RawMessage(`{}`))
		w.refill("r", tk, 0, torg.Packages{Packages: []torg.Package{{Seq: 1}}, LastSeq: 1})
		if p, ok := w.lookup("r", 0, true); !ok || p.LastSeq != 2 {
			t.Fatalf("the window after a stale read: %+v, %v", p, ok)
		}
	})
	t.Run("another process's newer package makes the window incomplete", func(t *testing.T) {
		var w windows
		w.commit("r", 0, 2, json.RawMessage(`{}`))
		w.announced(map[string]int64{"r": 2}) // this process's own notification
		if _, ok := w.lookup("r", 2, true); !ok {
			t.Fatal("the window does not answer after hearing of its own packages")
		}
		w.announced(map[string]int64{"r": 3})
		if p, ok := w.lookup("r", 2, true); ok {
			t.Fatalf("the window answered %+v after hearing of seq 3", p)
		}
		w.commit("r", 3, 1, json.RawMessage(`{}`)) // this process numbers seq 4 after the other's 3
		if p, ok := w.lookup("r", 3, false); !ok || len(p.Packages) != 1 || p.Packages[0].Seq != 4 {
			t.Fatalf("after seq 4 was numbered here: %+v, %v", p, ok)
		}
		if _, ok := w.lookup("r", 2, true); ok {
			t.Fatal("the window answered after 2, though it never held seq 3")
		}
	})
	t.Run("lost notifications drop every window", func(t *testing.T) {
		var w windows
		w.commit("r", 0, 1, json.RawMessage(`{}`))
		tk := w.ticket("r")
		w.announced(nil)
		if _, ok := w.lookup("r", 0, true); ok {
			t.Fatal("a window answered after notifications were lost")
		}
		w.refill("r", tk, 0, torg.Packages{Packages: []torg.Package{}, LastSeq: 0})
		if _, ok := w.lookup("r", 0, true); ok {
			t.Fatal("a read begun before the loss refilled the window")
		}
	})
	t.Run("a package without its snapshot drops the window", func(t *testing.T) {
		var w windows
		w.commit("r", 0, 1, json.RawMessage(`{}`))
		w.commit("r", 1, 1, nil)
		if _, ok := w.lookup("r", 0, true); ok {
			t.Fatal("the window answered without the snapshot of a package it was given")
		}
	})
}

func TestAnAnnouncementNamesEachRegistersLastSeq(t *testing.T) {
	ids, last := parseAnnouncement(announcement([]string{"a", "b"}, map[string]int64{"a": 3, "b": 7}) + ",c")
	if strings.Join(ids, ",") != "a,b,c" || last["a"] != 3 || last["b"] != 7 || last["c"] != -1 {
		t.Fatalf("%v %v", ids, last)
	}
}

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
