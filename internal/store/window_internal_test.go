package store

import (
	"encoding/json"
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
	body := json.RawMessage(`"` + strings.Repeat("x", 1<<20) + `"`) // 1 MiB, counted once per package
	for i := range windowBytes>>20 + 2 {
		w.commit(string(rune('A'+i%26))+itoa(i), 0, 1, body)
		if w.bytes > windowBytes || w.held > windowBudget {
			t.Fatalf("after %d registers the windows hold %d bytes in %d packages", i+1, w.bytes, w.held)
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
