package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

type contractOp struct {
	id, method, path, scope string
}

func contractOps(t testing.TB) []contractOp {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var ops []contractOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			scope, _ := op.Extensions["x-scope"].(string)
			ops = append(ops, contractOp{id: op.OperationID, method: method, path: "/v1" + path, scope: scope})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	if len(ops) != 41 {
		t.Fatalf("the contract has %d operations, want 41", len(ops))
	}
	return ops
}

// concrete fills the path parameters with the given resources.
func concrete(path string, x ids, provider int64) string {
	r := strings.NewReplacer(
		"{customer_id}", strconv.FormatInt(x.customer, 10),
		"{site_id}", strconv.FormatInt(x.site, 10),
		"{invoice_id}", strconv.FormatInt(x.invoice, 10),
		"{payment_provider_id}", strconv.FormatInt(provider, 10),
		"{invoice_payment_id}", strconv.FormatInt(max(x.payment, 1), 10), "{adhoc_invoice_payment_id}", strconv.FormatInt(max(x.adhocPayment, 1), 10),
		"{customer_payment_id}", strconv.FormatInt(max(x.entry, 1), 10),
		"{paymentMethod}", "GO_CARDLESS", "{mandateReference}", "MD0001",
	)
	return r.Replace(path)
}

// TestAuthMatrix walks EVERY route × {no token, malformed, bad signature, expired, disabled
// user, missing scope, other tenant} and checks the status and the error body (spec §2.2, §6.15).
func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		w := seedWorld(t, e)
		notBuilt := map[string]bool{}
		for _, id := range e.Server.NotImplemented() {
			notBuilt[id] = true
		}
		otherSecret, err := auth.NewTokens(context.Background(), auth.Config{Secret: []byte("a-completely-different-secret-32-bytes!!")})
		if err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-time.Hour)
		expiredTokens, err := auth.NewTokens(context.Background(), auth.Config{Secret: []byte(apitest.Secret), Now: func() time.Time { return past }})
		if err != nil {
			t.Fatal(err)
		}
		all := []string{auth.ScopeRead, auth.ScopeWrite, auth.ScopeProviders, auth.ScopeAdmin}
		full := auth.Principal{Subject: "mallory", ContractOwnerIDs: []int32{7}, Scopes: all}
		badSig, _ := otherSecret.Issue(full, time.Minute)
		expired, _ := expiredTokens.Issue(full, time.Minute)
		if err := e.Svc.AddUser(context.Background(), &ep.User{Username: "gone", ContractOwnerIDs: []int32{7}, Scopes: all}, "pw"); err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.DisableUser(context.Background(), "gone", true); err != nil {
			t.Fatal(err)
		}
		disabled := e.Token(auth.Principal{Subject: "gone", ContractOwnerIDs: []int32{7}, Scopes: all})
		mine := e.Token(auth.Principal{Subject: "owner7", ContractOwnerIDs: []int32{7}, Scopes: all})

		cases := []struct {
			name   string
			header string
			status int
		}{
			{"no token", "", 401},
			{"malformed", "Bearer not.a.jwt", 401},
			{"not bearer", "Basic dXNlcjpwYXNz", 401},
			{"bad signature", "Bearer " + badSig, 401},
			{"expired", "Bearer " + expired, 401},
			{"disabled user", "Bearer " + disabled, 401},
		}
		for _, op := range contractOps(t) {
			if op.scope == "none" {
				continue // POST /authenticate and webhooks take no bearer token
			}
			path := concrete(op.path, w.theirs, w.theirProvider)
			for _, tc := range cases {
				r := apitest.Request{Method: op.method, Path: path, Body: "{}"}
				if op.method == http.MethodGet {
					r.Body = nil
				}
				if tc.header != "" {
					r.Header = map[string]string{"Authorization": tc.header}
				}
				resp := e.Do(r)
				checkError(t, op.id+" / "+tc.name, resp, tc.status, path)
			}
			// A valid token without the operation's scope → 403.
			lacking := auth.ScopeRead
			if op.scope == auth.ScopeRead {
				lacking = auth.ScopeWrite
			}
			tok := e.Token(auth.Principal{Subject: "owner7", ContractOwnerIDs: []int32{7}, Scopes: []string{lacking}})
			r := apitest.Request{Method: op.method, Path: path, Token: tok}
			if op.method != http.MethodGet {
				r.Body = "{}"
			}
			checkError(t, op.id+" / missing scope", e.Do(r), 403, path)

			// A token without contract owners: empty lists, 404 for single resources, 403 on writes.
			nobody := e.Token(auth.Principal{Subject: "nobody", Scopes: all})
			if !notBuilt[op.id] {
				r := apitest.Request{Method: op.method, Path: path, Token: nobody}
				switch {
				case op.method != http.MethodGet:
					r.Body = "{}"
					checkError(t, op.id+" / no contract owners", e.Do(r), 403, path)
				case strings.Contains(op.path, "{"):
					checkError(t, op.id+" / no contract owners", e.Do(r), 404, path)
				case op.id == "getCustomerPayments" || op.id == "getCustomerBalance":
					r.Path += "?customer_id=" + fmt.Sprint(w.theirs.customer) + map[bool]string{true: "&page=1&pageSize=5"}[op.id == "getCustomerPayments"]
					checkError(t, op.id+" / no contract owners", e.Do(r), 404, path)
				case op.id != "getCurrencies" && op.id != "getInstantBankPaymentForMandate":
					r.Path += "?page=1&pageSize=5"
					if resp := e.Do(r); resp.Status != 200 || string(resp.Body) != "[]" {
						t.Errorf("%s / no contract owners: %d %s", op.id, resp.Status, resp.Body)
					}
				}
			}
			// Another tenant's resources.
			if notBuilt[op.id] {
				r.Token = mine
				checkError(t, op.id+" / not implemented", e.Do(r), 501, path)
				continue
			}
			otherTenant(t, e, w, op, mine)
		}
	})
}

func checkError(t *testing.T, what string, resp *apitest.Response, status int, path string) {
	t.Helper()
	if resp.Status != status {
		t.Errorf("%s: status %d, want %d: %s", what, resp.Status, status, resp.Body)
		return
	}
	body := resp.Object(t)
	if num(t, body["status"]) != int64(status) || body["error"] != http.StatusText(status) || body["path"] != strings.SplitN(path, "?", 2)[0] || body["message"] == "" {
		t.Errorf("%s: error body %s", what, resp.Body)
	}
}

// otherTenant checks that owner 7 can neither see nor touch owner 8's rows through op.
func otherTenant(t *testing.T, e *apitest.Env, w world, op contractOp, tok string) {
	t.Helper()
	path := concrete(op.path, w.theirs, w.theirProvider)
	what := op.id + " / other tenant"
	theirIDs := map[string]map[int64]bool{
		"getCustomers":            {w.theirs.customer: true},
		"getSites":                {w.theirs.site: true},
		"getInvoices":             {w.theirs.invoice: true, w.theirs.adhoc: true},
		"getPaymentProviders":     {w.theirProvider: true},
		"getInvoicePayments":      {w.theirs.payment: true},
		"getAdhocInvoicePayments": {w.theirs.adhocPayment: true},
	}[op.id]
	theirCustomer := fmt.Sprint(w.theirs.customer)
	switch op.id {
	case "getCustomers", "getSites", "getInvoices", "getPaymentProviders", "getInvoicePayments", "getAdhocInvoicePayments":
		resp := e.Get(tok, path+"?page=1&pageSize=100").Want(t, 200)
		items := resp.Array(t)
		if len(items) == 0 {
			t.Errorf("%s: caller's own rows missing", what)
		}
		for _, it := range items {
			id := num(t, it["id"])
			if theirIDs[id] {
				t.Errorf("%s: another tenant's row listed: %v", what, it)
			}
		}
	case "getRefunds":
		for _, it := range e.Get(tok, path+"?page=1&pageSize=100").Want(t, 200).Array(t) {
			if num(t, it["customerId"]) == w.theirs.customer {
				t.Errorf("%s: another tenant's refund listed: %v", what, it)
			}
		}
	case "getCustomerCreditStatus":
		items := e.Get(tok, path+"?page=1&pageSize=100").Want(t, 200).Array(t)
		if len(items) == 0 {
			t.Errorf("%s: caller's own customer missing", what)
		}
		for _, it := range items {
			if num(t, it["customerId"]) == w.theirs.customer {
				t.Errorf("%s: another tenant's customer listed: %v", what, it)
			}
		}
	case "getCustomerPayments":
		checkError(t, what, e.Get(tok, path+"?customer_id="+theirCustomer+"&page=1&pageSize=10"), 404, path)
	case "getCustomerBalance":
		checkError(t, what, e.Get(tok, path+"?customer_id="+theirCustomer), 404, path)
	case "getInvoicePayment", "getAdhocInvoicePayment", "getCustomerPayment":
		checkError(t, what, e.Get(tok, path), 404, path)
	case "createInvoicePayment":
		checkError(t, what, e.Post(tok, path, map[string]any{"generatedInvoiceId": w.theirs.invoice, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "CHEQUE"}), 404, path)
	case "createAdhocInvoicePayment":
		checkError(t, what, e.Post(tok, path, map[string]any{"generatedAdhocInvoiceId": w.theirs.adhoc, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "CHEQUE"}), 404, path)
	case "createCustomerPayment":
		checkError(t, what, e.Post(tok, path, map[string]any{"customerId": w.theirs.customer, "amountInMajorCurrency": 1, "type": "BACS"}), 404, path)
	case "createCustomerBalanceAdjustment":
		checkError(t, what, e.Post(tok, path, map[string]any{"customerId": w.theirs.customer, "amountInMajorCurrency": 1}), 404, path)
	case "createRefund":
		checkError(t, what, e.Post(tok, path, map[string]any{"invoiceId": w.theirs.invoice, "amountInMajorCurrency": 1}), 404, path)
	case "getCurrencies":
		e.Get(tok, path+"?page=1&pageSize=10").Want(t, 200) // global
	case "getCustomer", "getSite", "getInvoice", "getPaymentProvider":
		checkError(t, what, e.Get(tok, path), 404, path)
	case "updateCustomer", "updateSite", "updatePaymentProvider":
		checkError(t, what, e.Patch(tok, path, []any{}), 404, path)
	case "createCustomer":
		checkError(t, what, e.Post(tok, path, map[string]any{"contractOwnerId": 8, "customerName": "X", "currencyId": 1}), 403, path)
	case "createPaymentProvider":
		checkError(t, what, e.Post(tok, path, map[string]any{"type": "BACS", "name": "X", "status": "ACTIVE", "contractOwnerIds": []int{7, 8}}), 403, path)
	case "createSite":
		checkError(t, what, e.Post(tok, path, map[string]any{"customerId": w.theirs.customer, "siteName": "X"}), 404, path)
	case "createInvoice":
		checkError(t, what, e.Post(tok, path, map[string]any{"customerId": w.theirs.customer, "siteId": w.theirs.site, "billRunType": "NORMAL",
			"invoiceNumber": "X-1", "invoiceDate": "2024-01-01", "dueDate": "2024-01-31", "totalInMajorCurrency": 1}), 404, path)
	case "createCurrency":
		e.Post(tok, path, map[string]any{"name": "Yen", "code": "JPY", "majorCurrencyName": "yen", "minorCurrencyName": "sen", "decimalPlaces": 0}).Want(t, 201)
	default:
		t.Errorf("%s: no other-tenant expectation for this implemented operation; add one", op.id)
	}
}
