package store_test

import (
	"errors"
	"io"
	"log/slog"
)

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
