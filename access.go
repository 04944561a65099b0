package torg

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a principal may do (docs/API.md, «Who may do what»).
type Role string

// The roles of tokens and web users.
const (
	RoleAdmin       Role = "admin"       // everything
	RoleIntegration Role = "integration" // a web shop: catalogs (registers and cash desks read only), orders, reading documents and reports
	RoleViewer      Role = "viewer"      // reads everything under /api/v1 except tokens
	RoleRegister    Role = "register"    // one cash register's channel, as that register
	RoleManager     Role = "manager"     // a web UI user who cannot manage users or tokens
	RoleMetrics     Role = "metrics"     // reads GET /metrics and nothing else: a Prometheus server's token
)

// Permission is what a route requires.
type Permission string

// The permissions routes require.
const (
	PermPublic   Permission = "public"   // no token needed
	PermRead     Permission = "read"     // back-office reads
	PermWrite    Permission = "write"    // catalogs and orders
	PermAdmin    Permission = "admin"    // tokens, users, register tokens, operations
	PermRegister Permission = "register" // the register channel
	PermMetrics  Permission = "metrics"  // GET /metrics
)

// Allows reports whether the role grants the permission.
func (r Role) Allows(p Permission) bool {
	switch p {
	case PermPublic:
		return true
	case PermRegister:
		return r == RoleRegister
	case PermRead:
		return r == RoleAdmin || r == RoleIntegration || r == RoleViewer || r == RoleManager
	case PermWrite:
		return r == RoleAdmin || r == RoleIntegration || r == RoleManager
	case PermAdmin:
		return r == RoleAdmin
	case PermMetrics:
		return r == RoleAdmin || r == RoleMetrics
	}
	return false
}

// Principal is who makes a request: a token (API or register) or a web user.
type Principal struct {
	ID         string // token or user id; the scope of idempotency keys
	Name       string
	Role       Role
	RegisterID string // set for register tokens
}

// APIToken is a bearer token; its secret is shown once, when made, and stored only as a hash.
type APIToken struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	RegisterID *string   `json:"register_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Token      string    `json:"token,omitempty"`
}

// APITokenInput makes an API token.
type APITokenInput struct {
	Name Opt[string] `json:"name"`
	Role Opt[Role]   `json:"role"`
}

// Validate checks the name and that the role is one an API token can have.
func (in *APITokenInput) Validate() error {
	var f Fields
	in.Name.Value = strings.TrimSpace(in.Name.Value)
	if name := &in.Name.Value; !printable(name) || *name == "" || utf8.RuneCountInString(*name) > maxNameLen {
		f.Add("name", "is required, at most %d printable characters", maxNameLen)
	}
	switch in.Role.Value {
	case RoleAdmin, RoleIntegration, RoleViewer, RoleMetrics:
	default:
		f.Add("role", `must be "admin", "integration", "viewer" or "metrics"`)
	}
	return f.Err()
}

// User is a person who logs in to the web UI. A disabled user cannot log in.
type User struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
}
