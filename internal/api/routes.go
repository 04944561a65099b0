package api

import (
	"context"

	"torg"
	"torg/internal/metrics"
	"torg/internal/store"
)

// Route is one entry of the route table: a method and a path pattern of net/http's ServeMux, the
// permission a caller needs, and the handler.
type Route struct {
	Method string
	Path   string
	Perm   torg.Permission
	handle handler
}

// Routes lists every route the server answers, for documentation and for tests.
func (s *Server) Routes() []Route { return s.routes() }

// routes is the whole route table of the server.
func (s *Server) routes() []Route {
	public, read, write, admin, register := torg.PermPublic, torg.PermRead, torg.PermWrite, torg.PermAdmin, torg.PermRegister
	rs := []Route{
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/readyz", public, s.readyz},
		{"GET", "/openapi.json", public, s.openAPI},
		{"GET", "/docs", public, s.docs},
		{"GET", "/docs/problems/{slug}", public, s.problemDoc},
		{"GET", "/metrics", torg.PermMetrics, s.metrics},

		{"POST", "/api/v1/api-tokens", admin, s.createAPIToken},
		{"GET", "/api/v1/api-tokens", admin, s.listAPITokens},
		{"DELETE", "/api/v1/api-tokens/{id}", admin, s.revokeAPIToken},
		{"POST", "/api/v1/registers/{id}/token", admin, s.issueRegisterToken},

		{"POST", "/api/v1/webhooks", admin, s.createWebhook},
		{"GET", "/api/v1/webhooks", admin, s.listWebhooks},
		{"GET", "/api/v1/webhooks/{id}", admin, s.getWebhook},
		{"DELETE", "/api/v1/webhooks/{id}", admin, s.deleteWebhook},
		{"GET", "/api/v1/webhooks/{id}/deliveries", admin, s.webhookDeliveries},
		{"POST", "/api/v1/webhooks/{id}/deliveries/{event_id}/redeliver", admin, s.redeliver},

		{"POST", "/api/v1/orders", write, s.createOrder},
		{"GET", "/api/v1/orders", read, s.listOrders},
		{"GET", "/api/v1/orders/{id}", read, s.getOrder},
		{"PATCH", "/api/v1/orders/{id}", write, s.patchOrder},
		{"POST", "/api/v1/orders/{id}/registers", write, s.addOrderRegister},
		{"POST", "/api/v1/orders/{id}/registers/fill", write, s.orderAction((*store.Tx).FillOrderRegisters)},
		{"DELETE", "/api/v1/orders/{id}/registers/{register_id}", write, s.removeOrderRegister},
		{"POST", "/api/v1/orders/{id}/post", write, counted(s.orderAction((*store.Tx).PostOrder), metrics.OrderPosted)},
		{"POST", "/api/v1/orders/{id}/unpost", write, s.orderAction((*store.Tx).UnpostOrder)},
		{"POST", "/api/v1/orders/{id}/cancel", write, s.orderAction((*store.Tx).CancelOrder)},

		{"GET", "/api/v1/transactions", read, s.listTransactions},
		{"GET", "/api/v1/transactions/{id}", read, s.getTransaction},
		{"POST", "/api/v1/transactions/{id}/resolve", admin, s.resolveTransaction},

		{"POST", "/api/v1/goods-receipts", write, s.createGoodsReceipt},
		{"GET", "/api/v1/goods-receipts", read, s.listGoodsReceipts},
		{"GET", "/api/v1/goods-receipts/{id}", read, s.getByID(anyOf((*store.Tx).GoodsReceipt))},
		{"GET", "/api/v1/sales-invoices", read, s.listSalesInvoices},
		{"GET", "/api/v1/sales-invoices/{id}", read, s.getByID(anyOf((*store.Tx).SalesInvoice))},
		{"GET", "/api/v1/cash-receipts", read, s.listCashReceipts},
		{"GET", "/api/v1/cash-receipts/{id}", read, s.getByID(anyOf((*store.Tx).CashReceipt))},
		{"POST", "/api/v1/cash-receipts/{id}/post", admin, s.postCashReceipt},
		{"GET", "/api/v1/card-payments", read, s.listCardPayments},
		{"GET", "/api/v1/card-payments/{id}", read, s.getByID(anyOf((*store.Tx).CardPayment))},
		{"GET", "/api/v1/customer-returns", read, s.listCustomerReturns},
		{"GET", "/api/v1/customer-returns/{id}", read, s.getByID(anyOf((*store.Tx).CustomerReturn))},
		{"GET", "/api/v1/cash-expenses", read, s.listCashExpenses},
		{"GET", "/api/v1/cash-expenses/{id}", read, s.getByID(anyOf((*store.Tx).CashExpense))},
		{"POST", "/api/v1/cash-expenses/{id}/post", admin, s.postCashExpense},
		{"GET", "/api/v1/card-refunds", read, s.listCardRefunds},
		{"GET", "/api/v1/card-refunds/{id}", read, s.getByID(anyOf((*store.Tx).CardRefund))},

		{"GET", "/api/v1/orders/{id}/print", read, s.printForm("orders")},
		{"GET", "/api/v1/sales-invoices/{id}/print", read, s.printForm("sales-invoices")},
		{"GET", "/api/v1/cash-receipts/{id}/print", read, s.printForm("cash-receipts")},
		{"GET", "/api/v1/cash-expenses/{id}/print", read, s.printForm("cash-expenses")},
		{"GET", "/api/v1/transactions/{id}/print", read, s.printForm("transactions")},
		{"GET", "/api/v1/settings/organisation", read, s.organisation},
		{"PUT", "/api/v1/settings/organisation", admin, s.saveOrganisation},

		{"POST", "/api/v1/jobs/kkm-transfer/run", admin, s.runKKMTransfer},
		{"GET", "/api/v1/jobs/kkm-transfer", read, s.kkmTransferStatus},

		{"GET", "/api/v1/reports/stock", read, report(s, []string{"warehouse_id", "product_id"},
			func(tx *store.Tx, ctx context.Context, q map[string]string) ([]torg.StockItem, error) {
				return tx.StockReport(ctx, q["warehouse_id"], q["product_id"])
			})},
		{"GET", "/api/v1/reports/cash", read, report(s, []string{"cash_desk_id"},
			func(tx *store.Tx, ctx context.Context, q map[string]string) ([]torg.CashItem, error) {
				return tx.CashReport(ctx, q["cash_desk_id"])
			})},
		{"GET", "/api/v1/reports/settlements", read, report(s, []string{"customer_id"},
			func(tx *store.Tx, ctx context.Context, q map[string]string) ([]torg.DebtItem, error) {
				return tx.SettlementsReport(ctx, q["customer_id"])
			})},

		{"GET", "/api/v1/reports/stock-turnover", read, periodReport(s, []string{"warehouse_id", "product_id"},
			func(ctx context.Context, tx *store.Tx, p torg.Period, q map[string]string) ([]torg.StockTurnover, error) {
				return tx.StockTurnover(ctx, p, q["warehouse_id"], q["product_id"])
			})},
		{"GET", "/api/v1/reports/cash-turnover", read, periodReport(s, []string{"cash_desk_id"},
			func(ctx context.Context, tx *store.Tx, p torg.Period, q map[string]string) ([]torg.CashTurnover, error) {
				return tx.CashTurnover(ctx, p, q["cash_desk_id"])
			})},
		{"GET", "/api/v1/reports/cash-turnover/documents", read, s.cashMoves},
		{"GET", "/api/v1/reports/settlement-turnover", read, periodReport(s, []string{"customer_id"},
			func(ctx context.Context, tx *store.Tx, p torg.Period, q map[string]string) ([]torg.SettlementTurnover, error) {
				return tx.SettlementTurnover(ctx, p, q["customer_id"])
			})},
		{"GET", "/api/v1/reports/sales", read, s.salesReport},

		{"GET", "/api/v1/register/me", register, s.registerMe},
		{"GET", "/api/v1/register/packages", register, s.packages},
		{"POST", "/api/v1/register/ack", register, s.ack},
		{"POST", "/api/v1/register/orders/{id}/claim", register, s.claim},
		{"DELETE", "/api/v1/register/orders/{id}/claim", register, s.releaseClaim},
		{"POST", "/api/v1/register/transactions", register, s.uploadTransaction},
		{"GET", "/api/v1/register/sales", register, s.registerSale},
	}
	// Registers and cash desks decide where a sale's cash is booked: an admin's, not a web shop's.
	rs = append(rs, catalogRoutes(s, "warehouses", store.Warehouses, read, write)...)
	rs = append(rs, catalogRoutes(s, "cash-desks", store.CashDesks, read, admin)...)
	rs = append(rs, catalogRoutes(s, "products", store.Products, read, write)...)
	rs = append(rs, catalogRoutes(s, "customers", store.Customers, read, write)...)
	rs = append(rs, catalogRoutes(s, "registers", store.Registers, read, admin)...)
	return rs
}

// anyOf adapts a store getter to getByID.
func anyOf[T any](get func(tx *store.Tx, ctx context.Context, id string) (T, error)) func(*store.Tx, context.Context, string) (any, error) {
	return func(tx *store.Tx, ctx context.Context, id string) (any, error) { return get(tx, ctx, id) }
}
