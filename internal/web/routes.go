package web

import (
	"torg"
)

// route is one entry of the route table: a method and a path pattern of net/http's ServeMux, the
// permission a user needs (permPublic: none, not even a login), and the handler.
type route struct {
	method string
	path   string
	perm   torg.Permission
	handle func(*page) error
}

const (
	permPublic = torg.PermPublic
	permRead   = torg.PermRead
	permWrite  = torg.PermWrite
	permAdmin  = torg.PermAdmin
)

// routes is the whole route table of the web UI. Managers have read and write; operations, tokens
// and users need an admin, as in the API.
func (u *UI) routes() []route {
	rs := []route{
		{"GET", "/static/{file...}", permPublic, u.serveStatic},
		{"GET", "/login", permPublic, u.loginPage},
		{"POST", "/login", permPublic, u.login},
		{"POST", "/logout", permPublic, u.logout},
		{"GET", "/lang/{lang}", permPublic, u.setLanguage},
		{"GET", "/{$}", permRead, func(p *page) error { return redirect(p, "/orders") }},

		{"GET", "/orders", permRead, u.listOrders},
		{"GET", "/orders/new", permRead, u.newOrder},
		{"POST", "/orders/new", permWrite, u.submitOrder},
		{"GET", "/orders/{id}", permRead, u.showOrder},
		{"POST", "/orders/{id}", permWrite, u.submitOrder},
		{"GET", "/orders/{id}/events", permRead, u.orderEvents},
		{"GET", "/products/find", permRead, u.findProducts},

		{"GET", "/transactions", permRead, u.listTransactions},
		{"GET", "/transactions/{id}", permRead, u.showTransaction},
		{"POST", "/transactions/{id}/resolve", permAdmin, u.resolveTransaction},

		{"GET", "/goods-receipts", permRead, u.listGoodsReceipts},
		{"GET", "/goods-receipts/new", permWrite, u.newGoodsReceipt},
		{"POST", "/goods-receipts/new", permWrite, u.submitGoodsReceipt},
		{"GET", "/goods-receipts/{id}", permRead, u.showGoodsReceipt},
		{"GET", "/sales-invoices", permRead, u.listInvoices},
		{"GET", "/sales-invoices/{id}", permRead, u.showInvoice},
		{"GET", "/cash-receipts", permRead, u.listReceipts},
		{"GET", "/cash-receipts/{id}", permRead, u.showReceipt},
		{"POST", "/cash-receipts/{id}/post", permAdmin, u.postReceipt},
		{"GET", "/card-payments", permRead, u.listCardPayments},
		{"GET", "/card-payments/{id}", permRead, u.showCardPayment},
		{"GET", "/customer-returns", permRead, u.listCustomerReturns},
		{"GET", "/customer-returns/{id}", permRead, u.showCustomerReturn},
		{"GET", "/cash-expenses", permRead, u.listCashExpenses},
		{"GET", "/cash-expenses/{id}", permRead, u.showCashExpense},
		{"POST", "/cash-expenses/{id}/post", permAdmin, u.postCashExpense},
		{"POST", "/cash-expenses/{id}/counterpart", permWrite, u.setCounterpart("cash-expenses", "cash_expenses")},
		{"POST", "/cash-receipts/{id}/counterpart", permWrite, u.setCounterpart("cash-receipts", "cash_receipts")},
		{"GET", "/card-refunds", permRead, u.listCardRefunds},
		{"GET", "/card-refunds/{id}", permRead, u.showCardRefund},

		{"GET", "/reports/stock", permRead, u.stockReport},
		{"GET", "/reports/cash", permRead, u.cashReport},
		{"GET", "/reports/settlements", permRead, u.settlementsReport},
		{"GET", "/reports/stock-turnover", permRead, u.periodPage("stock-turnover", u.stockTurnover)},
		{"GET", "/reports/cash-turnover", permRead, u.periodPage("cash-turnover", u.cashTurnover)},
		{"GET", "/reports/settlement-turnover", permRead, u.periodPage("settlement-turnover", u.settlementTurnover)},
		{"GET", "/reports/sales", permRead, u.periodPage("sales", u.salesAnalysis)},

		{"GET", "/orders/{id}/print", permRead, u.printForm("orders")},
		{"GET", "/sales-invoices/{id}/print", permRead, u.printForm("sales-invoices")},
		{"GET", "/cash-receipts/{id}/print", permRead, u.printForm("cash-receipts")},
		{"GET", "/cash-expenses/{id}/print", permRead, u.printForm("cash-expenses")},
		{"GET", "/transactions/{id}/print", permRead, u.printForm("transactions")},
		{"GET", "/settings", permAdmin, u.showSettings},
		{"POST", "/settings", permAdmin, u.saveSettings},

		{"GET", "/kkm-transfer", permRead, u.showJob},
		{"POST", "/kkm-transfer/run", permAdmin, u.runJob},

		{"POST", "/registers/{id}/token", permAdmin, u.issueRegisterToken},
		{"GET", "/tokens", permAdmin, u.listTokens},
		{"POST", "/tokens", permAdmin, u.createToken},
		{"POST", "/tokens/{id}/revoke", permAdmin, u.revokeToken},
		{"GET", "/webhooks", permAdmin, u.listWebhooks},
		{"POST", "/webhooks", permAdmin, u.createWebhook},
		{"GET", "/webhooks/{id}", permAdmin, u.showWebhook},
		{"POST", "/webhooks/{id}/delete", permAdmin, u.deleteWebhook},
		{"POST", "/webhooks/{id}/deliveries/{event_id}/redeliver", permAdmin, u.redeliverWebhook},
		{"GET", "/users", permAdmin, u.listUsers},
		{"POST", "/users", permAdmin, u.addUser},
		{"POST", "/users/{id}/disable", permAdmin, u.disableUser},
		{"POST", "/users/{id}/enable", permAdmin, u.enableUser},
		{"GET", "/account", permRead, u.showAccount},
		{"POST", "/account/password", permRead, u.changePassword},
	}
	for _, c := range u.catalogs() {
		rs = append(rs,
			route{"GET", "/" + c.kind(), permRead, c.list},
			route{"GET", "/" + c.kind() + "/new", permRead, c.edit},
			route{"POST", "/" + c.kind() + "/new", c.writePerm(), c.save},
			route{"GET", "/" + c.kind() + "/{id}", permRead, c.edit},
			route{"POST", "/" + c.kind() + "/{id}", c.writePerm(), c.save},
		)
	}
	return rs
}
