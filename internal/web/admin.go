package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/kkmtransfer"
	"torg/internal/store"
)

// jobData is the KKMTransfer page.
type jobData struct {
	Status  torg.JobStatus
	Waiting int
	Result  *torg.TransferResult
	Runs    []runRow
}

// runRow is a line of the run list: one run, or several runs in a row that did nothing.
type runRow struct {
	torg.JobRun
	Empty  int       // how many empty runs the row stands for; 0 for one run shown as it is
	LastAt time.Time // when the latest of them started
}

// Run list limits: how many recorded runs the page reads, and how many rows it shows.
const (
	runsRead  = 500
	runsShown = 20
)

// emptyRun reports whether a run finished without error having done nothing.
func emptyRun(r torg.JobRun) bool {
	if r.FinishedAt == nil || r.Error != nil || r.Result == nil {
		return false
	}
	c := *r.Result
	c.ConflictsWaiting = 0
	return c == torg.TransferResult{}
}

// collapseRuns folds each stretch of two or more empty runs (newest first) into one row.
func collapseRuns(runs []torg.JobRun, limit int) []runRow {
	var out []runRow
	for i := 0; i < len(runs) && len(out) < limit; {
		j := i
		for j < len(runs) && emptyRun(runs[j]) {
			j++
		}
		if j-i >= 2 {
			out = append(out, runRow{JobRun: runs[j-1], Empty: j - i, LastAt: runs[i].StartedAt})
			i = j
			continue
		}
		out = append(out, runRow{JobRun: runs[i]})
		i++
	}
	return out
}

func (u *UI) showJob(p *page) error {
	return u.renderJob(p, resultOf(p.r.URL.Query()))
}

func (u *UI) renderJob(p *page, result *torg.TransferResult) error {
	st, err := u.kkm.Status(p.ctx)
	if err != nil {
		return err
	}
	d := jobData{Status: st, Result: result}
	err = u.store.View(p.ctx, func(tx *store.Tx) (err error) {
		if d.Waiting, err = tx.WaitingTransactions(p.ctx); err != nil {
			return err
		}
		runs, err := tx.JobRuns(p.ctx, kkmtransfer.Name, runsRead)
		d.Runs = collapseRuns(runs, runsShown)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "job", view{Nav: "kkm-transfer", Title: "nav.kkm-transfer", Data: d})
}

// runJob runs KKMTransfer and redirects to the job's page with the run's counts in the query, so that
// reloading the page shows them again and runs nothing.
func (u *UI) runJob(p *page) error {
	res, err := u.kkm.Run(p.ctx, nil)
	if err != nil {
		return err
	}
	q := url.Values{"ok": {"ran"}}
	for _, c := range resultCounts(&res) {
		q.Set(c.name, strconv.Itoa(*c.n))
	}
	return redirect(p, "/kkm-transfer?"+q.Encode())
}

// resultCount is a count of a run's result under its name in the API and in the query.
type resultCount struct {
	name string
	n    *int
}

func resultCounts(r *torg.TransferResult) []resultCount {
	return []resultCount{{"processed", &r.Processed}, {"sales_invoices", &r.SalesInvoices}, {"cash_receipts", &r.CashReceipts},
		{"cash_receipts_posted", &r.CashReceiptsPosted}, {"card_payments", &r.CardPayments}, {"failed", &r.Failed},
		{"conflicts_waiting", &r.ConflictsWaiting}}
}

// resultOf reads a run's counts from the query of runJob's redirect; nil unless the query has them all.
func resultOf(q url.Values) *torg.TransferResult {
	if q.Get("ok") != "ran" {
		return nil
	}
	var r torg.TransferResult
	for _, c := range resultCounts(&r) {
		n, err := strconv.Atoi(q.Get(c.name))
		if err != nil || n < 0 {
			return nil
		}
		*c.n = n
	}
	return &r
}

// secretData is a page that shows a new secret once.
type secretData struct {
	Kind, Name, Secret, Back string
	Register                 *torg.Register
	Server                   string
}

func (u *UI) issueRegisterToken(p *page) error {
	id := p.r.PathValue("id")
	var t torg.APIToken
	var reg torg.Register
	err := u.store.Update(p.ctx, func(tx *store.Tx) (err error) {
		if reg, err = store.Registers.Get(p.ctx, tx, id); err != nil {
			return err
		}
		t, err = tx.IssueRegisterToken(p.ctx, id)
		return err
	})
	if err != nil {
		return err
	}
	scheme := "http"
	if p.r.TLS != nil {
		scheme = "https"
	}
	d := secretData{Kind: "register", Name: reg.Code + " — " + reg.Name, Secret: t.Token, Back: "/registers/" + id, Register: &reg,
		Server: scheme + "://" + p.r.Host}
	return u.render(p, http.StatusOK, "secret", view{Nav: "registers", Title: "secret.register", Data: d})
}

// tokensData is the API tokens page.
type tokensData struct {
	Tokens    []torg.APIToken
	Registers map[string]store.CodeName
	Name      string
	Role      string
	Roles     []torg.Role
}

func (u *UI) listTokens(p *page) error {
	return u.renderTokens(p, http.StatusOK, tokensData{Role: string(torg.RoleIntegration)}, formErrors{})
}

func (u *UI) renderTokens(p *page, status int, d tokensData, errs formErrors) error {
	d.Roles = []torg.Role{torg.RoleIntegration, torg.RoleViewer, torg.RoleMetrics, torg.RoleAdmin}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		list, err := tx.APITokens(p.ctx, torg.Page{Limit: torg.MaxPageLimit})
		if err != nil {
			return err
		}
		d.Tokens = list.Items
		var ids []string
		for _, t := range d.Tokens {
			ids = append(ids, deref(t.RegisterID))
		}
		d.Registers, err = tx.Names(p.ctx, "registers", ids)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, status, "tokens", view{Nav: "tokens", Title: "nav.tokens", Data: d, Errors: errs})
}

func (u *UI) createToken(p *page) error {
	in := torg.APITokenInput{Name: torg.Of(strings.TrimSpace(p.r.PostFormValue("name"))), Role: torg.Of(torg.Role(p.r.PostFormValue("role")))}
	if err := in.Validate(); err != nil {
		d := tokensData{Name: in.Name.Value, Role: string(in.Role.Value)}
		return u.renderTokens(p, http.StatusUnprocessableEntity, d, formErrorsOf(p.lang, err, func(f string) string { return f }))
	}
	var t torg.APIToken
	err := u.store.Update(p.ctx, func(tx *store.Tx) (err error) {
		t, err = tx.CreateAPIToken(p.ctx, in.Name.Value, in.Role.Value, nil)
		return err
	})
	if err != nil {
		return err
	}
	d := secretData{Kind: "api", Name: t.Name + " (" + string(t.Role) + ")", Secret: t.Token, Back: "/tokens"}
	return u.render(p, http.StatusOK, "secret", view{Nav: "tokens", Title: "secret.api", Data: d})
}

func (u *UI) revokeToken(p *page) error {
	err := u.store.Update(p.ctx, func(tx *store.Tx) error { return tx.RevokeAPIToken(p.ctx, p.r.PathValue("id")) })
	if err != nil {
		return err
	}
	return redirect(p, "/tokens?ok=revoked")
}

// usersData is the users page.
type usersData struct {
	Users []torg.User
	Name  string
	Role  string
}

func (u *UI) listUsers(p *page) error {
	return u.renderUsers(p, http.StatusOK, usersData{Role: string(torg.RoleManager)}, formErrors{})
}

func (u *UI) renderUsers(p *page, status int, d usersData, errs formErrors) error {
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) { d.Users, err = tx.Users(p.ctx); return err })
	if err != nil {
		return err
	}
	return u.render(p, status, "users", view{Nav: "users", Title: "nav.users", Data: d, Errors: errs})
}

func (u *UI) addUser(p *page) error {
	name, role, password := strings.TrimSpace(p.r.PostFormValue("name")), torg.Role(p.r.PostFormValue("role")), p.r.PostFormValue("password")
	var bad torg.Fields
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n") {
		bad.Add("name", "is required: 1 to 64 characters without spaces")
	}
	if role != torg.RoleAdmin && role != torg.RoleManager {
		bad.Add("role", `must be "admin" or "manager"`)
	}
	if len(password) < 8 || len(password) > 72 {
		bad.Add("password", "must be 8 to 72 bytes long")
	}
	err := bad.Err()
	if err == nil {
		err = u.saveUser(p, name, role, password)
	}
	if err == nil {
		return redirect(p, "/users?ok=user_added")
	}
	if c := torg.ErrorCode(err); c != torg.CodeValidation && c != torg.CodeDuplicate {
		return err
	}
	return u.renderUsers(p, http.StatusUnprocessableEntity, usersData{Name: name, Role: string(role)},
		formErrorsOf(p.lang, err, func(f string) string { return f }))
}

func (u *UI) saveUser(p *page, name string, role torg.Role, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), 12)
	if err != nil {
		return err
	}
	return u.store.Update(p.ctx, func(tx *store.Tx) error { _, err := tx.AddUser(p.ctx, name, role, string(hash)); return err })
}
