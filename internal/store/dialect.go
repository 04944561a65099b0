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
	// nextOrderNumber takes the next order number: a counter row on SQLite, whose one writer never
	// waits for it; a sequence on PostgreSQL, which locks nothing until commit.
	nextOrderNumber string
	cache           *sync.Map // query → rebound query
}

var (
	sqliteDialect = dialect{name: "sqlite", forUpdate: "",
		nextOrderNumber: "UPDATE counters SET value = value + 1 WHERE name = 'order_number' RETURNING value"}
	postgresDialect = dialect{name: "postgres", pg: true, forUpdate: " FOR UPDATE", cache: &sync.Map{},
		nextOrderNumber: "SELECT nextval('order_number_seq')"}
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
