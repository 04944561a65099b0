package web

import "time"

// WithPasswordGate gives the UI a password gate of n slots, where a login waits at most wait for a
// slot, and which calls onCheck in the slot before every password check.
func WithPasswordGate(n int, wait time.Duration, onCheck func()) func(*Config) {
	return func(c *Config) { c.gate = &passwordGate{slots: make(chan struct{}, n), wait: wait, onCheck: onCheck} }
}
