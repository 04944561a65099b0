package torg

import "time"

// Now returns the current time in UTC, truncated to the microseconds the store keeps.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
