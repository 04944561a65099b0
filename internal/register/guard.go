package register

import (
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"torg"
)

// The local API is for this agent's own cashier screen only (docs/API.md, «The register agent»). A web page of another
// origin opened in the till's browser can send it requests too: a "no-cors" POST, or a text/plain
// body, needs no CORS preflight, and a name of the attacker's that resolves to 127.0.0.1 (DNS
// rebinding) makes the browser treat the agent as that page's own origin. So the agent answers only
// the Host names that are its own, refuses state-changing calls from another Origin, takes only JSON
// bodies (a cross-origin JSON request needs a preflight, which it never grants), and forbids framing.

// hosts are the Host values an agent answers: its listening address, or localhost, 127.0.0.1 and
// [::1], each with its port.
type hosts struct {
	port  string
	names map[string]bool // lower-case host names and IP addresses, without the port
}

// hostsOf lists the names an agent listening on addr answers to. Listening on every interface (only
// with --allow-remote), it answers the address of each of this machine's interfaces.
func hostsOf(addr *net.TCPAddr) hosts {
	h := hosts{port: fmt.Sprint(addr.Port), names: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, addr.IP.String(): true}}
	if addr.IP.IsUnspecified() {
		ifaddrs, _ := net.InterfaceAddrs()
		for _, ia := range ifaddrs {
			if ipn, ok := ia.(*net.IPNet); ok {
				h.names[ipn.IP.String()] = true
			}
		}
	}
	return h
}

// allows tells whether hostport (a Host header, or the host of an Origin) names this agent.
func (h hosts) allows(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil { // no port: the default one
		host, port = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), "80"
	}
	host = strings.ToLower(host)
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String()
	}
	return port == h.port && host != "" && h.names[host]
}

// changesState tells the methods that must come from the agent's own screen.
func changesState(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// guard sends the headers that forbid framing and sniffing on every answer, answers only the agent's
// own Host names (403 otherwise), and lets a state-changing call through only without a foreign
// Origin (403) and with a JSON content type (415), a body or not.
func (a *Agent) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if err := a.refusal(r); err != nil {
			a.handle(func(*http.Request) (int, any, error) { return 0, nil, err })(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refusal is why the request may not reach the local API, nil when it may.
func (a *Agent) refusal(r *http.Request) error {
	if !a.hosts.allows(r.Host) {
		return torg.Errorf(torg.CodeForbidden, "this register agent answers only its own address (localhost:%s); Host %q is not one", a.hosts.port, r.Host)
	}
	if !changesState(r.Method) {
		return nil
	}
	if origin, sent := r.Header["Origin"]; sent {
		u, err := url.Parse(strings.Join(origin, ""))
		if err != nil || u.Scheme != "http" || !a.hosts.allows(u.Host) || u.Path != "" {
			return torg.Errorf(torg.CodeForbidden, "only this register's own cashier screen may change anything; origin %q is another", strings.Join(origin, ""))
		}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return torg.Errorf(torg.CodeUnsupportedMedia, "send Content-Type: application/json, also when there is no body")
	}
	return nil
}

// listenAddr resolves the address to listen on, refusing one that other machines can reach unless
// allowRemote says it is meant; remote tells which it is.
func listenAddr(listen string, allowRemote bool) (addr *net.TCPAddr, remote bool, err error) {
	addr, err = net.ResolveTCPAddr("tcp", listen)
	if err != nil {
		return nil, false, fmt.Errorf("register: --listen %s: %w", listen, err)
	}
	remote = addr.IP == nil || !addr.IP.IsLoopback()
	if remote && !allowRemote {
		return nil, true, fmt.Errorf("register: --listen %s can be reached from other machines, and anyone who reaches it can sell and close the shift:"+
			" listen on 127.0.0.1, or add --allow-remote if that is really meant", listen)
	}
	return addr, remote, nil
}
