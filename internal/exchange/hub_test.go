package exchange

import (
	"testing"
)

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestHub(t *testing.T) {
	h := NewHub()
	a1, stopA1 := h.Subscribe("a")
	a2, _ := h.Subscribe("a")
	b, stopB := h.Subscribe("b")
	if h.Waiting() != 3 {
		t.Fatalf("waiting %d", h.Waiting())
	}
	t.Run("a wake-up reaches every poll of its register and no other", func(t *testing.T) {
		h.Wake([]string{"a", "nobody"})
		if !closed(a1) || !closed(a2) || closed(b) {
			t.Fatalf("a1 %v a2 %v b %v", closed(a1), closed(a2), closed(b))
		}
		if h.Waiting() != 1 {
			t.Fatalf("waiting %d", h.Waiting())
		}
		stopA1() // stopping after the wake-up is harmless
	})
	t.Run("a poll that stops waiting is not counted and not woken", func(t *testing.T) {
		stopB()
		stopB()
		if h.Waiting() != 0 {
			t.Fatalf("waiting %d", h.Waiting())
		}
		h.Wake([]string{"b"})
		if closed(b) {
			t.Fatal("a stopped poll was woken")
		}
	})
	t.Run("WakeAll wakes everyone", func(t *testing.T) {
		x, _ := h.Subscribe("x")
		y, _ := h.Subscribe("y")
		h.WakeAll()
		if !closed(x) || !closed(y) || h.Waiting() != 0 {
			t.Fatal("not everyone was woken")
		}
	})
}
