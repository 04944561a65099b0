package store

import (
	"strconv"
	"strings"
	"sync"
)

// dialect holds everything that differs between SQLite and PostgreSQL. Queries are written once,
// with ? placeholders (never $N: SQLite reads $N as a named parameter).
type dialect struct {
	name string
	pg   bool
	// forUpdate locks the selected rows until commit. SQLite needs no lock: it has a single writer.
	forUpdate string
	// skipLocked claims rows for this transaction, passing over rows another one claimed.
	skipLocked string
	cache      *sync.Map // query → rebound query
}

var (
	sqliteDialect   = dialect{name: "sqlite", forUpdate: ""}
	postgresDialect = dialect{name: "postgres", pg: true, forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED", cache: &sync.Map{}}
)

// rebind turns ? placeholders into PostgreSQL's $1, $2, …; quoted text is left alone.
func (d dialect) rebind(q string) string {
	if !d.pg {
		return q
	}
	if v, ok := d.cache.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	d.cache.Store(q, out)
	return out
}
