package main

import (
	"context"
	"fmt"
	"io"

	"torg/internal/register"
)

// registerAgent runs one till's agent: TORG_TOKEN=TOKEN torg register --server URL.
func registerAgent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg register.Config
	fs := newFlags("register", stderr)
	fs.StringVar(&cfg.Server, "server", "", "the back office's URL, such as http://127.0.0.1:8080")
	fs.StringVar(&cfg.Token, "token", "", "the register's token (POST /api/v1/registers/{id}/token); prefer TORG_TOKEN, which ps does not show")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8090", "address of the cashier screen and local API")
	fs.StringVar(&cfg.DataDir, "data", "torg-register", "folder of the register's own store")
	fs.StringVar(&cfg.Cashier, "cashier", "Кассир", "the cashier's name written on receipts")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "let --listen be an address other machines can reach: anyone who reaches it can sell")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := newLogger(*logFormat, stderr)
	if err != nil {
		return err
	}
	cfg.Log = log
	a, err := register.Start(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "torg register: the cashier screen is at %s\n", a.URL())
	return a.Wait()
}
