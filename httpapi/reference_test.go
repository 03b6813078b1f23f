package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/service"
)

// TestReferenceData walks currencies, customers, sites and invoices in one sequence, each step
// using what the one before made, so it stays one test rather than one per entity file.
func TestReferenceData(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		// Currencies: seeded, created, unique code, JPY has no minor unit.
		list := e.Get(tok, "/v1/currencies?page=1&pageSize=10&code=in:GBP,EUR").Want(t, 200)
		if string(list.Body) != `[{"id":1,"name":"Pound sterling","code":"GBP","majorCurrencyName":"pounds","minorCurrencyName":"pence","decimalPlaces":2},{"id":2,"name":"Euro","code":"EUR","majorCurrencyName":"euros","minorCurrencyName":"cents","decimalPlaces":2}]` {
			t.Errorf("currencies: %s", list.Body)
		}
		jpy := e.Post(tok, "/v1/currencies", map[string]any{"name": "Japanese yen", "code": "JPY", "majorCurrencyName": "yen", "minorCurrencyName": "sen", "decimalPlaces": 0}).Want(t, 201)
		if jpy.Header.Get("Location") != "" || string(jpy.Body) != `{"id":4,"name":"Japanese yen","code":"JPY","majorCurrencyName":"yen","minorCurrencyName":"sen","decimalPlaces":0}` {
			t.Errorf("JPY: %s %v", jpy.Body, jpy.Header)
		}
		e.Post(tok, "/v1/currencies", map[string]any{"name": "Yen again", "code": "JPY", "majorCurrencyName": "yen", "minorCurrencyName": "sen"}).Want(t, 409)
		e.Post(tok, "/v1/currencies", map[string]any{"name": "Bad", "code": "jpy", "majorCurrencyName": "yen", "minorCurrencyName": "sen"}).Want(t, 400)
		e.Post(tok, "/v1/currencies", map[string]any{"name": "Dinar", "code": "BHD", "majorCurrencyName": "dinars", "minorCurrencyName": "fils", "decimalPlaces": 3}).Want(t, 201)

		// Customers.
		c := e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "Acme Ltd", "customerAccountNumber": "ACME0001",
			"currencyId": 1, "creditThreshold": 500, "openBillRunValue": 60.50}).Want(t, 201)
		cid := num(t, c.Object(t)["id"])
		if c.Header.Get("Location") != fmt.Sprintf("/v1/customers/%d", cid) || !strings.Contains(string(c.Body), `"creditThreshold":500,"openBillRunValue":60.5}`) {
			t.Errorf("customer: %s", c.Body)
		}
		e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "Dup", "customerAccountNumber": "ACME0001", "currencyId": 1}).Want(t, 409)
		e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "No currency", "currencyId": 99}).Want(t, 404)
		yen := e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "Yen Co", "currencyId": 4, "creditThreshold": 1000}).Want(t, 201).Object(t)
		e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "Yen Co 2", "currencyId": 4, "creditThreshold": 10.5}).Want(t, 400)
		cpath := fmt.Sprintf("/v1/customers/%d", cid)
		p := e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/creditThreshold", "value": 750}}).Want(t, 200).Object(t)
		if num(t, p["creditThreshold"]) != 750 || p["customerName"] != "Acme Ltd" {
			t.Errorf("patched customer: %v", p)
		}
		e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/contractOwnerId", "value": 8}}).Want(t, 400)
		e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/creditThreshold", "value": 0}}).Want(t, 400)
		p = e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/creditThreshold", "value": nil}}).Want(t, 200).Object(t)
		if p["creditThreshold"] != nil {
			t.Errorf("creditThreshold null removes the threshold: %v", p)
		}
		e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/currencyId", "value": 2}}).Want(t, 200)
		e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/currencyId", "value": 1}}).Want(t, 200)

		// Sites.
		prov := e.Post(tok, "/v1/payment-providers", map[string]any{"type": "GO_CARDLESS", "name": "GC", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)
		other := e.Post(tok, "/v1/payment-providers", map[string]any{"type": "GO_CARDLESS", "name": "GC8", "status": "ACTIVE", "contractOwnerIds": []int{8}}).Want(t, 201).Object(t)
		site := e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "Acme HQ", "startDate": "2023-06-01",
			"siteInvoiceDetails": map[string]any{"paymentMethod": "GO_CARDLESS", "paymentProviderId": prov["id"]}}).Want(t, 201)
		sid := num(t, site.Object(t)["id"])
		wantSite := fmt.Sprintf(`{"id":%d,"customerId":%d,"siteName":"Acme HQ","startDate":"2023-06-01","endDate":null,"siteInvoiceDetails":{"paymentMethod":"GO_CARDLESS","mandateStatus":null,"mandateReference":null,"thirdPartyCustomerReference":null,"paymentProviderId":%d}}`, sid, cid, num(t, prov["id"]))
		if string(site.Body) != wantSite {
			t.Errorf("site:\n got %s\nwant %s", site.Body, wantSite)
		}
		e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "X", "siteInvoiceDetails": map[string]any{"paymentMethod": "STRIPE", "paymentProviderId": prov["id"]}}).Want(t, 400)
		e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "X", "siteInvoiceDetails": map[string]any{"paymentMethod": "GO_CARDLESS", "paymentProviderId": other["id"]}}).Want(t, 400)
		e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "X", "startDate": "2024-01-02", "endDate": "2024-01-01"}).Want(t, 400)
		e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "X", "siteInvoiceDetails": map[string]any{"paymentMethod": "GO_CARDLESS", "paymentProviderId": prov["id"], "mandateReference": "MD1"}}).Want(t, 400)
		today := e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "Depot"}).Want(t, 201).Object(t)
		if len(fmt.Sprint(today["startDate"])) != 10 {
			t.Errorf("startDate defaults to today: %v", today)
		}
		spath := fmt.Sprintf("/v1/sites/%d", sid)
		ps := e.Patch(tok, spath, []any{map[string]any{"op": "replace", "path": "/endDate", "value": "2024-12-31"},
			map[string]any{"op": "replace", "path": "/siteInvoiceDetails/mandateStatus", "value": "ACTIVE"}}).Want(t, 200).Object(t)
		if ps["endDate"] != "2024-12-31" {
			t.Errorf("patched site: %v", ps)
		}
		e.Patch(tok, spath, []any{map[string]any{"op": "replace", "path": "/customerId", "value": num(t, yen["id"])}}).Want(t, 400)
		e.Patch(tok, spath, []any{map[string]any{"op": "replace", "path": "/endDate", "value": "2020-01-01"}}).Want(t, 400)
		sites := e.Get(tok, "/v1/sites?page=1&pageSize=10&mandateStatus=ACTIVE").Want(t, 200).Array(t)
		if len(sites) != 1 || num(t, sites[0]["id"]) != sid {
			t.Errorf("mandateStatus filter: %v", sites)
		}

		// Invoices post their debit in the same transaction.
		inv := e.Post(tok, "/v1/invoices", map[string]any{"customerId": cid, "siteId": sid, "billRunType": "NORMAL", "billRunId": 310,
			"invoiceNumber": "INV-000123", "invoiceDate": "2024-02-01", "dueDate": "2024-02-29", "totalInMajorCurrency": 120, "autoCollect": true}).Want(t, 201)
		iid := num(t, inv.Object(t)["id"])
		wantInv := fmt.Sprintf(`{"id":%d,"customerId":%d,"siteId":%d,"billRunType":"NORMAL","billRunId":310,"invoiceNumber":"INV-000123","invoiceDate":"2024-02-01","dueDate":"2024-02-29","totalInMajorCurrency":120,"outstandingInMajorCurrency":120,"currencyId":1,"paymentMethod":"GO_CARDLESS","autoCollect":true,"paymentStatus":"UNPAID","thirdPartyPaymentStatus":null,"thirdPartyRefundStatus":null}`, iid, cid, sid)
		if string(inv.Body) != wantInv {
			t.Errorf("invoice:\n got %s\nwant %s", inv.Body, wantInv)
		}
		e.Post(tok, "/v1/invoices", map[string]any{"customerId": cid, "siteId": sid, "billRunType": "ADHOC", "invoiceNumber": "ADH-000045",
			"invoiceDate": "2024-02-10", "dueDate": "2024-03-10", "totalInMajorCurrency": 45.5, "paymentMethod": "CHEQUE"}).Want(t, 201)
		zero := e.Post(tok, "/v1/invoices", map[string]any{"customerId": cid, "siteId": sid, "billRunType": "NORMAL", "invoiceNumber": "INV-0",
			"invoiceDate": "2024-03-01", "dueDate": "2024-03-01", "totalInMajorCurrency": 0}).Want(t, 201).Object(t)
		if zero["paymentStatus"] != "NA" {
			t.Errorf("zero invoice: %v", zero)
		}
		bad := map[string]map[string]any{
			"duplicate number":   {"invoiceNumber": "INV-000123"},
			"due before invoice": {"invoiceNumber": "X1", "dueDate": "2024-01-01"},
			"other currency":     {"invoiceNumber": "X2", "currencyId": 2},
			"too many decimals":  {"invoiceNumber": "X3", "totalInMajorCurrency": 1.001},
			"site of another":    {"invoiceNumber": "X4", "siteId": num(t, today["id"]) + 1000},
			"negative total":     {"invoiceNumber": "X5", "totalInMajorCurrency": -1},
			"unknown bill run":   {"invoiceNumber": "X6", "billRunType": "WEEKLY"},
			"impossible date":    {"invoiceNumber": "X7", "invoiceDate": "2024-02-30"},
		}
		wantStatus := map[string]int{"duplicate number": 409, "site of another": 404}
		for name, override := range bad {
			t.Run(name, func(t *testing.T) {
				body := map[string]any{"customerId": cid, "siteId": sid, "billRunType": "NORMAL", "invoiceNumber": "N", "invoiceDate": "2024-02-01",
					"dueDate": "2024-02-29", "totalInMajorCurrency": 10}
				for k, v := range override {
					body[k] = v
				}
				status := wantStatus[name]
				if status == 0 {
					status = 400
				}
				if resp := e.Post(tok, "/v1/invoices", body); resp.Status != status {
					t.Errorf("invoice %s: status %d, want %d: %s", name, resp.Status, status, resp.Body)
				}
			})
		}
		entries, err := e.Svc.Entries(context.Background(), service.System(), cid)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 || entries[0].TxnType != "INVOICE_CREATED" || entries[0].Amount != -12000 || entries[1].TxnType != "ADHOC_INVOICE_CREATED" ||
			entries[1].Amount != -4550 || entries[1].ResultingBalance != -16550 || entries[2].Amount != 0 || *entries[0].InvoiceID != iid {
			t.Errorf("ledger after invoices: %+v", entries)
		}
		e.Patch(tok, cpath, []any{map[string]any{"op": "replace", "path": "/currencyId", "value": 2}}).Want(t, 400)
		got := e.Get(tok, "/v1/invoices?page=1&pageSize=10&dueDate=lt:2024-03-01&paymentStatus=in:UNPAID,PARTIALLY_PAID&sort=dueDate").Want(t, 200).Array(t)
		if len(got) != 1 || num(t, got[0]["id"]) != iid {
			t.Errorf("invoice filters: %v", got)
		}
		e.Get(tok, "/v1/invoices?page=1&pageSize=10&billRunType=like:NOR").Want(t, 400)
		e.Get(tok, "/v1/invoices?page=1&pageSize=10&paymentStatus=unpaid").Want(t, 400)
		e.Get(tok, "/v1/invoices?page=1&pageSize=10&billingCycleId=1").Want(t, 400)
		e.Get(tok, fmt.Sprintf("/v1/invoices/%d?fields=id,paymentStatus", iid)).Want(t, 200)
	})
}
