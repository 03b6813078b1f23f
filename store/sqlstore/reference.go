package sqlstore

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// ---- settings ----

func (t *tx) Setting(key string) (string, bool, error) {
	var v string
	err := t.queryRow("SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if isNoRows(err) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, true, nil
}

func (t *tx) SetSettingIfAbsent(key, value string) (string, error) {
	if _, err := t.exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, value); err != nil {
		return "", fmt.Errorf("write setting %s: %w", key, err)
	}
	v, _, err := t.Setting(key)
	return v, err
}

// ---- users ----

func joinInts(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(int64(id), 10)
	}
	return strings.Join(s, ",")
}

func splitInts(s string) []int32 {
	ids := []int32{}
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(f, 10, 32); err == nil {
			ids = append(ids, int32(n))
		}
	}
	return ids
}

const userColumns = "id, username, password_hash, contract_owner_ids, admin, scopes, disabled, failures, locked_until"

func scanUser(r rowScanner) (*ep.User, error) {
	var u ep.User
	var owners, scopes string
	if err := r.Scan(&u.ID, &u.Username, &u.PasswordHash, &owners, &u.Admin, &scopes, &u.Disabled, &u.Failures, &u.LockedUntil); err != nil {
		return nil, err
	}
	u.ContractOwnerIDs = splitInts(owners)
	u.Scopes = strings.Fields(scopes)
	return &u, nil
}

func (t *tx) CreateUser(u *ep.User) error {
	id, err := t.insert("INSERT INTO users (username, password_hash, contract_owner_ids, admin, scopes, disabled) VALUES (?, ?, ?, ?, ?, ?)",
		u.Username, u.PasswordHash, joinInts(u.ContractOwnerIDs), u.Admin, strings.Join(u.Scopes, " "), u.Disabled)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "user %s already exists", u.Username)
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID = id
	return nil
}

func (t *tx) UserByName(username string) (*ep.User, error) {
	u, err := scanUser(t.queryRow("SELECT "+userColumns+" FROM users WHERE username = ?", username))
	if isNoRows(err) {
		return nil, ep.NotFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

func (t *tx) ListUsers() ([]ep.User, error) {
	rows, err := t.query("SELECT " + userColumns + " FROM users ORDER BY username")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var us []ep.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us = append(us, *u)
	}
	return us, rows.Err()
}

func (t *tx) SetUserDisabled(username string, disabled bool) error {
	res, err := t.exec("UPDATE users SET disabled = ? WHERE username = ?", disabled, username)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ep.NotFound("user")
	}
	return nil
}

func (t *tx) SetUserAttempts(id int64, failures int, lockedUntil int64) error {
	if _, err := t.exec("UPDATE users SET failures = ?, locked_until = ? WHERE id = ?", failures, lockedUntil, id); err != nil {
		return fmt.Errorf("update user attempts: %w", err)
	}
	return nil
}

func (t *tx) CountUserFailure(id, now int64) (int, bool, error) {
	var n int
	err := t.queryRow("UPDATE users SET failures = failures + 1 WHERE id = ? AND locked_until <= ? RETURNING failures", id, now).Scan(&n)
	if isNoRows(err) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("count failed login: %w", err)
	}
	return n, true, nil
}

func (t *tx) ResetUserFailures(id, now int64) (*ep.User, error) {
	u, err := scanUser(t.queryRow("UPDATE users SET failures = 0, locked_until = 0 WHERE id = ? AND locked_until <= ? RETURNING "+userColumns, id, now))
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("record login: %w", err)
	}
	return u, nil
}

// ---- currencies ----

var currencies = &resource{
	from: "currencies c",
	id:   "c.id",
	fields: map[string]field{
		"id": {expr: "c.id", kind: kInt}, "name": {expr: "c.name", kind: kText}, "code": {expr: "c.code", kind: kText},
		"majorCurrencyName": {expr: "c.major_currency_name", kind: kText}, "minorCurrencyName": {expr: "c.minor_currency_name", kind: kText},
		"decimalPlaces": {expr: "c.decimal_places", kind: kInt},
	},
}

const currencyColumns = "c.id, c.name, c.code, c.major_currency_name, c.minor_currency_name, c.decimal_places"

func scanCurrency(r rowScanner) (*ep.Currency, error) {
	var c ep.Currency
	err := r.Scan(&c.ID, &c.Name, &c.Code, &c.MajorCurrencyName, &c.MinorCurrencyName, &c.DecimalPlaces)
	return &c, err
}

func (t *tx) CreateCurrency(c *ep.Currency) error {
	id, err := t.insert("INSERT INTO currencies (name, code, major_currency_name, minor_currency_name, decimal_places) VALUES (?, ?, ?, ?, ?)",
		c.Name, c.Code, c.MajorCurrencyName, c.MinorCurrencyName, c.DecimalPlaces)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a currency with code %s already exists", c.Code)
	} else if err != nil {
		return fmt.Errorf("create currency: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Currency(id int64) (*ep.Currency, error) {
	c, err := scanCurrency(t.queryRow("SELECT "+currencyColumns+" FROM currencies c WHERE c.id = ?", id))
	if isNoRows(err) {
		return nil, ep.NotFound("currency")
	} else if err != nil {
		return nil, fmt.Errorf("read currency %d: %w", id, err)
	}
	return c, nil
}

func (t *tx) ListCurrencies(l query.List) ([]ep.Currency, int64, error) {
	return listOf(t, currencies, store.AllOwners, l, currencyColumns, scanCurrency, "list currencies")
}

// ---- customers ----

var customers = &resource{
	from:  "customers c",
	owner: "c.contract_owner_id",
	id:    "c.id",
	fields: map[string]field{
		"id": {expr: "c.id", kind: kInt}, "contractOwnerId": {expr: "c.contract_owner_id", kind: kInt32},
		"customerName": {expr: "c.customer_name", kind: kText}, "customerAccountNumber": {expr: "c.customer_account_number", kind: kText},
		"currencyId":       {expr: "c.currency_id", kind: kInt},
		"creditThreshold":  {expr: "c.credit_threshold", kind: kMoney, expExpr: "c.currency_exp"},
		"openBillRunValue": {expr: "c.open_bill_run_value", kind: kMoney, expExpr: "c.currency_exp"},
	},
}

const customerColumns = "c.id, c.contract_owner_id, c.customer_name, c.customer_account_number, c.currency_id, c.currency_exp, c.credit_threshold, c.open_bill_run_value, c.balance, c.last_seq"

func scanCustomer(r rowScanner) (*ep.Customer, error) {
	var c ep.Customer
	var acct sql.NullString
	var threshold sql.NullInt64
	if err := r.Scan(&c.ID, &c.ContractOwnerID, &c.CustomerName, &acct, &c.CurrencyID, &c.Exp, &threshold, &c.OpenBillRunValue, &c.Balance, &c.LastSeq); err != nil {
		return nil, err
	}
	c.CustomerAccountNumber = nullString(acct)
	c.CreditThreshold = nullInt(threshold)
	return &c, nil
}

func (t *tx) CreateCustomer(c *ep.Customer) error {
	id, err := t.insert(`INSERT INTO customers (contract_owner_id, customer_name, customer_account_number, currency_id, currency_exp, credit_threshold, open_bill_run_value)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ContractOwnerID, c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp, c.CreditThreshold, c.OpenBillRunValue)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a customer with this customerAccountNumber already exists")
	} else if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Customer(s store.Scope, id int64, lock bool) (*ep.Customer, error) {
	sc, args := scopeCond(s, "c.contract_owner_id")
	q := "SELECT " + customerColumns + " FROM customers c WHERE c.id = ? AND " + sc
	if lock {
		q += t.d.ForUpdate
	}
	c, err := scanCustomer(t.queryRow(q, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("customer")
	} else if err != nil {
		return nil, fmt.Errorf("read customer %d: %w", id, err)
	}
	return c, nil
}

// UpdateCustomer writes the editable fields; balance and ledger position change only through PostEntry.
func (t *tx) UpdateCustomer(c *ep.Customer) error {
	_, err := t.exec(`UPDATE customers SET customer_name = ?, customer_account_number = ?, currency_id = ?, currency_exp = ?, credit_threshold = ?, open_bill_run_value = ? WHERE id = ?`,
		c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp, c.CreditThreshold, c.OpenBillRunValue, c.ID)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a customer with this customerAccountNumber already exists")
	} else if err != nil {
		return fmt.Errorf("update customer %d: %w", c.ID, err)
	}
	return nil
}

func (t *tx) ListCustomers(s store.Scope, l query.List) ([]ep.Customer, int64, error) {
	return listOf(t, customers, s, l, customerColumns, scanCustomer, "list customers")
}

// ---- sites ----

var sites = &resource{
	from:  "sites s",
	owner: "s.contract_owner_id",
	id:    "s.id",
	fields: map[string]field{
		"id": {expr: "s.id", kind: kInt}, "customerId": {expr: "s.customer_id", kind: kInt},
		"siteName": {expr: "s.site_name", kind: kText}, "startDate": {expr: "s.start_date", kind: kDate},
		"endDate":       {expr: "s.end_date", kind: kDate},
		"mandateStatus": {expr: "s.mandate_status", kind: kText}, "mandateReference": {expr: "s.mandate_reference", kind: kText},
	},
}

const siteColumns = "s.id, s.customer_id, s.contract_owner_id, s.site_name, s.start_date, s.end_date, s.payment_method, s.mandate_status, s.mandate_reference, s.third_party_customer_reference, s.payment_provider_id"

func scanSite(r rowScanner) (*ep.Site, error) {
	var s ep.Site
	var end, method, mstatus, mref, tpref sql.NullString
	var prov sql.NullInt32
	if err := r.Scan(&s.ID, &s.CustomerID, &s.ContractOwnerID, &s.SiteName, &s.StartDate, &end, &method, &mstatus, &mref, &tpref, &prov); err != nil {
		return nil, err
	}
	s.EndDate = nullString(end)
	s.Details = ep.SiteInvoiceDetails{PaymentMethod: nullString(method), MandateStatus: nullString(mstatus),
		MandateReference: nullString(mref), ThirdPartyCustomerReference: nullString(tpref)}
	if prov.Valid {
		s.Details.PaymentProviderID = &prov.Int32
	}
	return &s, nil
}

func (t *tx) CreateSite(s *ep.Site) error {
	d := s.Details
	id, err := t.insert(`INSERT INTO sites (customer_id, contract_owner_id, site_name, start_date, end_date, payment_method, mandate_status, mandate_reference, third_party_customer_reference, payment_provider_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.CustomerID, s.ContractOwnerID, s.SiteName, s.StartDate, s.EndDate,
		d.PaymentMethod, d.MandateStatus, d.MandateReference, d.ThirdPartyCustomerReference, d.PaymentProviderID)
	if err != nil {
		return fmt.Errorf("create site: %w", err)
	}
	s.ID = id
	return nil
}

func (t *tx) Site(sc store.Scope, id int64) (*ep.Site, error) {
	cond, args := scopeCond(sc, "s.contract_owner_id")
	s, err := scanSite(t.queryRow("SELECT "+siteColumns+" FROM sites s WHERE s.id = ? AND "+cond, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("site")
	} else if err != nil {
		return nil, fmt.Errorf("read site %d: %w", id, err)
	}
	return s, nil
}

func (t *tx) UpdateSite(s *ep.Site) error {
	d := s.Details
	_, err := t.exec(`UPDATE sites SET site_name = ?, start_date = ?, end_date = ?, payment_method = ?, mandate_status = ?, mandate_reference = ?, third_party_customer_reference = ?, payment_provider_id = ? WHERE id = ?`,
		s.SiteName, s.StartDate, s.EndDate, d.PaymentMethod, d.MandateStatus, d.MandateReference, d.ThirdPartyCustomerReference, d.PaymentProviderID, s.ID)
	if err != nil {
		return fmt.Errorf("update site %d: %w", s.ID, err)
	}
	return nil
}

func (t *tx) ListSites(sc store.Scope, l query.List) ([]ep.Site, int64, error) {
	return listOf(t, sites, sc, l, siteColumns, scanSite, "list sites")
}

func nullString(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	return &n.String
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}
