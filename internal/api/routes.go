package api

import (
	"torg"
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

		{"POST", "/api/v1/api-tokens", admin, s.createAPIToken},
		{"GET", "/api/v1/api-tokens", admin, s.listAPITokens},
		{"DELETE", "/api/v1/api-tokens/{id}", admin, s.revokeAPIToken},
		{"POST", "/api/v1/registers/{id}/token", admin, s.issueRegisterToken},

		{"POST", "/api/v1/orders", write, s.createOrder},
		{"GET", "/api/v1/orders", read, s.listOrders},
		{"GET", "/api/v1/orders/{id}", read, s.getOrder},
		{"PATCH", "/api/v1/orders/{id}", write, s.patchOrder},
		{"POST", "/api/v1/orders/{id}/registers", write, s.addOrderRegister},
		{"POST", "/api/v1/orders/{id}/registers/fill", write, s.orderAction((*store.Tx).FillOrderRegisters)},
		{"DELETE", "/api/v1/orders/{id}/registers/{register_id}", write, s.removeOrderRegister},
		{"POST", "/api/v1/orders/{id}/post", write, s.orderAction((*store.Tx).PostOrder)},
		{"POST", "/api/v1/orders/{id}/unpost", write, s.orderAction((*store.Tx).UnpostOrder)},
		{"POST", "/api/v1/orders/{id}/cancel", write, s.orderAction((*store.Tx).CancelOrder)},

		{"GET", "/api/v1/transactions", read, s.listTransactions},
		{"GET", "/api/v1/transactions/{id}", read, s.getTransaction},

		{"GET", "/api/v1/register/me", register, s.registerMe},
		{"GET", "/api/v1/register/packages", register, s.packages},
		{"POST", "/api/v1/register/ack", register, s.ack},
		{"POST", "/api/v1/register/orders/{id}/claim", register, s.claim},
		{"DELETE", "/api/v1/register/orders/{id}/claim", register, s.releaseClaim},
		{"POST", "/api/v1/register/transactions", register, s.uploadTransaction},
	}
	rs = append(rs, catalogRoutes(s, "warehouses", store.Warehouses, read, write)...)
	rs = append(rs, catalogRoutes(s, "cash-desks", store.CashDesks, read, write)...)
	rs = append(rs, catalogRoutes(s, "products", store.Products, read, write)...)
	rs = append(rs, catalogRoutes(s, "customers", store.Customers, read, write)...)
	rs = append(rs, catalogRoutes(s, "registers", store.Registers, read, write)...)
	return rs
}
