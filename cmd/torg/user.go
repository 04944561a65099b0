package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"

	"torg"
	"torg/internal/store"
)

// user manages web UI users: torg user add NAME --role admin|manager [--password-stdin].
func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 || args[0] != "add" || strings.HasPrefix(args[1], "-") {
		return errors.New("usage: torg user add NAME --role admin|manager [--password-stdin] [--db DSN]")
	}
	name := args[1]
	fs := newFlags("user add", stderr)
	db := dbFlag(fs)
	role := fs.String("role", "manager", "admin or manager")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	if r := torg.Role(*role); r != torg.RoleAdmin && r != torg.RoleManager {
		return fmt.Errorf("--role %q: want admin or manager", *role)
	}
	password, err := readPassword(stdin, stderr, *fromStdin)
	if err != nil {
		return err
	}
	if len(password) < 8 || len(password) > 72 {
		return errors.New("the password must be 8 to 72 bytes long")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), 12)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	var u torg.User
	err = st.Update(ctx, func(tx *store.Tx) (err error) {
		u, err = tx.AddUser(ctx, name, torg.Role(*role), string(hash))
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "torg: user %s added with role %s\n", u.Name, u.Role)
	return nil
}

// readPassword prompts on a terminal without echo, or reads the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if f, ok := stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
