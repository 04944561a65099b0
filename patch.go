package torg

// Opt is a field of a create or patch request: Set tells whether the request named it at all, Null
// whether it was given as JSON null. Absent fields keep their stored (or default) value.
type Opt[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// Of returns an Opt holding v.
func Of[T any](v T) Opt[T] { return Opt[T]{Set: true, Value: v} }

// MarkPresent is called by the request decoder when the field appears in a body.
func (o *Opt[T]) MarkPresent(null bool) { o.Set, o.Null = true, null }

// ValuePtr gives the request decoder the place to decode a non-null value into.
func (o *Opt[T]) ValuePtr() any { return &o.Value }

// ApplyTo copies the value into dst when the field was given (null gives T's zero value).
func (o Opt[T]) ApplyTo(dst *T) {
	if !o.Set {
		return
	}
	var zero T
	if o.Null {
		*dst = zero
		return
	}
	*dst = o.Value
}
