// Package torg is the domain of the torg retail back office: customer orders that travel to cash
// registers and come back as register transactions, the catalogs they refer to, and the rules that
// hold between them. Adapters (the SQL store, the HTTP API, the register agent) live under internal/.
package torg
