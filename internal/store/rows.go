package store

import "context"

// eachRow runs the query and calls fn with every row it returns, stopping at the first error; the
// rows are closed however it ends.
func (tx *Tx) eachRow(ctx context.Context, fn func(scanner) error, q string, args ...any) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryAll runs the query and returns its rows, each read by scan; nil when there are none.
func queryAll[T any](ctx context.Context, tx *Tx, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	var out []T
	err := tx.eachRow(ctx, func(s scanner) error {
		v, err := scan(s)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, q, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanString reads a row of one text column.
func scanString(s scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}

// orEmpty is s, or an empty slice for nil: lists answer [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
