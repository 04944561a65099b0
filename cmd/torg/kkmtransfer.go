package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"torg/internal/kkmtransfer"
)

// kkmTransfer runs KKMTransfer once from the command line, drawing its progress on stderr.
func kkmTransfer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("kkm-transfer", stderr)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := kkmtransfer.New(st, log, 0).Run(ctx, func(done, total int) { fmt.Fprint(stderr, progressBar(done, total)) })
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	out, _ := json.MarshalIndent(res, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return nil
}

// progressBar draws "\r[#####.....] done/total" 30 characters wide.
func progressBar(done, total int) string {
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	return fmt.Sprintf("\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
}
