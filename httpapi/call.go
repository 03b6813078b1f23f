package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

// call is one request to an API operation as it passes through the chain.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	op      *operation
	p       auth.Principal
	body    []byte // raw request body (POST/PATCH)
	bodyErr error  // 415/413 found while reading it; reported by bodyValue
	list    query.List
	key     *store.IdempotencyMark // the request's Idempotency-Key, set by idempotent
}

// who is the service caller of the request: its principal, with its Idempotency-Key when it
// holds one, so that the operation's write transaction commits with the stored response.
func (c *call) who() service.Caller { return service.As(c.p).WithKey(c.key) }

// operation returns the handler chain of one API operation, in the error precedence of spec
// §2.10: 401 → 403 → (501) → 406 → 415/413 → 400 (path, query, body) → handler.
func (s *Server) operation(op *operation, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := r.Context().Value(keyRoute).(*routeInfo)
		if info != nil {
			info.route = op.Method + " " + op.Path
		}
		c := &call{s: s, w: w, r: r, op: op}
		if op.Scope != "" {
			p, err := s.authenticate401(r)
			if err != nil {
				if ep.ErrorCode(err) == ep.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="elevatepay"`)
				}
				s.writeError(w, r, err)
				return
			}
			if info != nil {
				info.subject = p.Subject
			}
			if !p.HasScope(op.Scope) {
				s.writeError(w, r, ep.Errorf(ep.EFORBIDDEN, "the token lacks the %s scope", op.Scope))
				return
			}
			// A token without contract owners sees empty lists and may not write (spec §6.15).
			if r.Method != http.MethodGet && !p.Admin && len(p.ContractOwnerIDs) == 0 {
				s.writeError(w, r, ep.Errorf(ep.EFORBIDDEN, "the token has no contract owners"))
				return
			}
			c.p = p
		}
		if h == nil {
			s.writeError(w, r, ep.Errorf(ep.ENOTIMPLEMENTED, "%s is not implemented yet", op.ID))
			return
		}
		if !acceptsJSON(r.Header.Get("Accept")) {
			s.writeError(w, r, ep.Errorf(ep.ENOTACCEPTABLE, "this API only produces application/json"))
			return
		}
		if op.BodyType != "" {
			var release func()
			c.body, release, c.bodyErr = s.readBody(r, op.BodyType)
			defer release()
			// PATCH reports body problems after the path resource is found (404 first, §2.10).
			if c.bodyErr != nil && r.Method != http.MethodPatch {
				s.writeError(w, r, c.bodyErr)
				return
			}
		}
		var err error
		if c.list, err = query.Parse(r.URL.Query(), op.Query); err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, cond := range c.list.Conds {
			if op.NoLike[cond.Param] && cond.Op == query.OpLike {
				s.writeError(w, r, ep.Invalid(cond.Param, "does not accept like:"))
				return
			}
		}
		run := func(w http.ResponseWriter) {
			c.w = w
			if err := h(c); err != nil {
				s.writeError(w, r, err)
			}
		}
		if op.Scope != "" && (r.Method == http.MethodPost || r.Method == http.MethodPatch) && len(r.Header.Values("Idempotency-Key")) > 0 {
			// Present, even empty, means keyed: an empty or repeated key is a 400, not "absent".
			s.idempotent(c, run)
			return
		}
		run(w)
	})
}

// authenticate401 verifies the bearer token; every failure is the same 401 (spec §2.2.1).
func (s *Server) authenticate401(r *http.Request) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return auth.Principal{}, ep.Errorf(ep.EUNAUTHORIZED, "a bearer token is required")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return auth.Principal{}, ep.Errorf(ep.EUNAUTHORIZED, "the Authorization header must be 'Bearer <token>'")
	}
	p, err := s.tokens.Verify(strings.TrimSpace(token))
	if err != nil {
		switch {
		case errors.Is(err, auth.ErrExpiredToken):
			return auth.Principal{}, ep.Errorf(ep.EUNAUTHORIZED, "the token has expired")
		case errors.Is(err, auth.ErrBadSignature):
			return auth.Principal{}, ep.Errorf(ep.EUNAUTHORIZED, "the token's signature did not verify (it was signed with another secret or key: was it minted against another database?)")
		}
		return auth.Principal{}, ep.Errorf(ep.EUNAUTHORIZED, "the token is invalid")
	}
	disabled, err := s.svc.SubjectDisabled(r.Context(), p.Subject)
	if err != nil {
		return auth.Principal{}, err
	}
	if disabled {
		return auth.Principal{}, ep.Errorf(ep.EUNAUTHORIZED, "the account is disabled")
	}
	return p, nil
}

// ctx is the request context.
func (c *call) ctx() context.Context { return c.r.Context() }

// pathID parses an int64 path parameter >= 1 (spec §2.12: else 400).
func (c *call) pathID(name string) (int64, error) {
	v := c.r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || strings.HasPrefix(v, "+") {
		return 0, ep.Invalid(name, "must be an integer >= 1")
	}
	return n, nil
}

// pathID32 parses an int32 path parameter >= 1.
func (c *call) pathID32(name string) (int32, error) {
	v := c.r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 1 || strings.HasPrefix(v, "+") {
		return 0, ep.Invalid(name, "must be an integer between 1 and 2147483647")
	}
	return int32(n), nil
}

// decode validates the JSON body against the operation's request schema and decodes it into dst.
func (c *call) decode(dst any) error {
	if c.bodyErr != nil {
		return c.bodyErr
	}
	v, err := parseJSON(c.body)
	if err != nil {
		return err
	}
	return decodeInto(c.op.Body, v, c.body, dst)
}

// customerIDParam is the required typed customer_id query parameter.
func (c *call) customerIDParam() (int64, error) {
	for _, cond := range c.list.Conds {
		if cond.Param == "customer_id" && len(cond.IDs) == 1 {
			return cond.IDs[0], nil
		}
	}
	if v := c.list.Other["customer_id"]; len(v) == 1 {
		if id, err := strconv.ParseInt(v[0], 10, 64); err == nil && id >= 1 {
			return id, nil
		}
		return 0, ep.Invalid("customer_id", "must be an integer >= 1")
	}
	return 0, ep.Invalid("customer_id", "is required")
}
