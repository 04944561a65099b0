// Command torg is the retail back office (torg serve) and its tools. Run "torg help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "torg:", err)
		os.Exit(1)
	}
}

const usage = `torg — a retail back office for customer orders and their cash registers.

Usage:
  torg demo      [--data DIR] [--listen ADDR] [--register1 ADDR] [--register2 ADDR]
                                   a first look: a demo store, its back office and two registers
  torg serve     [flags]           the back office: HTTP API, scheduled jobs
  torg migrate   [--db DSN]        apply database migrations and exit
  TORG_TOKEN=TOKEN torg register --server URL [--listen ADDR] [--data DIR] [--allow-remote]
                                   one till's agent: its cashier screen and local API
  torg register backup [--data DIR] --to FILE
                                   a consistent copy of a running agent's store
  torg register restore --from FILE [--data DIR]
                                   put that copy in place of a stopped agent's store
  torg backup    [--db sqlite:PATH] --to FILE
                                   a consistent copy of the live database, checked
  torg restore   --from FILE [--db sqlite:PATH]
                                   put a backup in place of a database nothing has open
  torg kkm-transfer [--db DSN]     process waiting register transactions once, with progress
  torg user add NAME --role admin|manager [--password-stdin] [--db DSN]
                                   add a web UI user
  torg bench     [flags]           load and latency benchmarks against a real torg serve (BENCHMARKS.md)
  torg version                     this build's version, commit and schema version
Run "torg COMMAND -h" for a command's flags. Every flag can also be set in the environment as
TORG_ + its name in upper case with - as _ (TORG_DB, TORG_ADMIN_TOKEN, …).
`

// run is the whole program: it reads no globals, so tests run it in-process. Asking a command for
// its flags (-h, --help) is not an error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := command(ctx, args, stdin, stdout, stderr); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

func command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr)
	case "demo":
		return demo(ctx, args[1:], stdout, stderr)
	case "register":
		if len(args) > 1 && args[1] == "backup" {
			return registerBackup(ctx, args[2:], stdout, stderr)
		}
		if len(args) > 1 && args[1] == "restore" {
			return registerRestore(ctx, args[2:], stdout, stderr)
		}
		return registerAgent(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	case "kkm-transfer":
		return kkmTransfer(ctx, args[1:], stdout, stderr)
	case "user":
		return user(ctx, args[1:], stdin, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		return version(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// newFlags returns a flag set whose flags also read TORG_… environment variables.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("torg "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse applies the environment, then the arguments, to fs.
func parse(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := "TORG_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", env, v, serr)
			}
		}
	})
	if err != nil {
		return err
	}
	return fs.Parse(args)
}

// dbFlag adds the --db flag shared by every command that opens the database.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "sqlite:torg.db", "database: sqlite:PATH (embedded) or postgres://…")
}

// newLogger makes the process's logger: text, or JSON with --log-format json.
func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
