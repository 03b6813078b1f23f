// Payment providers and the contract owners each serves (payment_provider_owners).

package sqlstore

import (
	"fmt"
	"sort"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func providerScope(s store.Scope) (string, []any) {
	if s.All {
		return "1 = 1", nil
	}
	c, args := scopeCond(s, "o.contract_owner_id")
	return "EXISTS (SELECT 1 FROM payment_provider_owners o WHERE o.provider_id = p.id AND " + c + ")", args
}

var providers = &resource{
	from:  "payment_providers p",
	scope: providerScope,
	id:    "p.id",
	fields: map[string]field{
		"id": {expr: "p.id", kind: kInt}, "type": {expr: "p.type", kind: kText}, "name": {expr: "p.name", kind: kText},
		"directDebitWithName": {expr: "p.direct_debit_with_name", kind: kText}, "status": {expr: "p.status", kind: kText},
		"creditorIdentifier":  {expr: "p.creditor_identifier", kind: kText},
		"instantBankPayments": {expr: "p.instant_bank_payments", kind: kBool}, "retryIfPossible": {expr: "p.retry_if_possible", kind: kBool},
		"acceptExternalPayments":                     {expr: "p.accept_external_payments", kind: kBool},
		"syncInstantBankPaymentsWithMandateCreation": {expr: "p.sync_ibp_with_mandate", kind: kBool},
	},
	scoped: map[string]scopedCustom{
		// Only the caller's contract owners can match: a provider shared with an owner outside
		// the caller's scope must not reveal that owner (the response hides it too, §6.15).
		"contractOwnerId": func(s store.Scope, c query.Cond) (string, []any, error) {
			args := make([]any, len(c.IDs))
			for i, id := range c.IDs {
				if err := checkInt(c, kInt32, id); err != nil {
					return "", nil, err
				}
				args[i] = id
			}
			sc, sargs := scopeCond(s, "f.contract_owner_id")
			return "EXISTS (SELECT 1 FROM payment_provider_owners f WHERE f.provider_id = p.id AND f.contract_owner_id IN (" + placeholders(len(args)) + ") AND " + sc + ")",
				append(args, sargs...), nil
		},
	},
}

// providerCols are the columns of payment_providers; ContractOwnerIDs live in
// payment_provider_owners (providerOwnerCols).
var providerCols = columns[ep.PaymentProvider]{
	col("id", func(p *ep.PaymentProvider) *int32 { return &p.ID }),
	col("type", func(p *ep.PaymentProvider) *ep.PaymentMethod { return &p.Type }),
	col("name", func(p *ep.PaymentProvider) *string { return &p.Name }),
	nullCol("direct_debit_with_name", func(p *ep.PaymentProvider) **string { return &p.DirectDebitWithName }),
	col("status", func(p *ep.PaymentProvider) *ep.ProviderStatus { return &p.Status }),
	nullCol("creditor_identifier", func(p *ep.PaymentProvider) **string { return &p.CreditorIdentifier }),
	col("instant_bank_payments", func(p *ep.PaymentProvider) *bool { return &p.InstantBankPayments }),
	col("retry_if_possible", func(p *ep.PaymentProvider) *bool { return &p.RetryIfPossible }),
	col("accept_external_payments", func(p *ep.PaymentProvider) *bool { return &p.AcceptExternalPayments }),
	col("sync_ibp_with_mandate", func(p *ep.PaymentProvider) *bool { return &p.SyncInstantBankPaymentsWithMandateCreation }),
}

var (
	providerInsert = providerCols.except("id")
	// providerUpdate: a provider keeps its type.
	providerUpdate = providerCols.except("id", "type")
)

// providerOwner is a row of payment_provider_owners: a contract owner a provider serves.
type providerOwner struct {
	providerID, contractOwnerID int32
	nameKey                     string // ProviderNameKey of the provider's name
}

var providerOwnerCols = columns[providerOwner]{
	col("provider_id", func(o *providerOwner) *int32 { return &o.providerID }),
	col("contract_owner_id", func(o *providerOwner) *int32 { return &o.contractOwnerID }),
	col("name_key", func(o *providerOwner) *string { return &o.nameKey }),
}

// providerOwnerRead: what providerOwners reads back.
var providerOwnerRead = providerOwnerCols.only("provider_id", "contract_owner_id")

// ProviderNameKey is the form provider names are compared in: trimmed and lower-cased.
func ProviderNameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func (t *tx) writeProviderOwners(p *ep.PaymentProvider) error {
	if _, err := t.exec("DELETE FROM payment_provider_owners WHERE provider_id = ?", p.ID); err != nil {
		return fmt.Errorf("write provider owners: %w", err)
	}
	key := ProviderNameKey(p.Name)
	for _, co := range p.ContractOwnerIDs {
		row := providerOwner{providerID: p.ID, contractOwnerID: co, nameKey: key}
		_, err := t.exec(providerOwnerCols.insertSQL("payment_provider_owners"), providerOwnerCols.values(&row)...)
		if t.d.IsUnique(err) {
			return ep.Errorf(ep.ECONFLICT, "a payment provider named %q already exists for contract owner %d", p.Name, co)
		} else if err != nil {
			return fmt.Errorf("write provider owners: %w", err)
		}
	}
	return nil
}

func (t *tx) CreateProvider(p *ep.PaymentProvider) error {
	id, err := t.insert(providerInsert.insertSQL("payment_providers"), providerInsert.values(p)...)
	if err != nil {
		return fmt.Errorf("create payment provider: %w", err)
	}
	p.ID = int32(id)
	return t.writeProviderOwners(p)
}

func (t *tx) providerOwners(ids []int32) (map[int32][]int32, error) {
	out := map[int32][]int32{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.query("SELECT "+providerOwnerRead.sel("")+" FROM payment_provider_owners WHERE provider_id IN ("+placeholders(len(ids))+") ORDER BY provider_id, contract_owner_id", args...)
	if err != nil {
		return nil, fmt.Errorf("read provider owners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := providerOwnerRead.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read provider owners: %w", err)
		}
		out[o.providerID] = append(out[o.providerID], o.contractOwnerID)
	}
	return out, rows.Err()
}

func (t *tx) Provider(s store.Scope, id int32) (*ep.PaymentProvider, error) {
	sc, args := providerScope(s)
	p, err := providerCols.scan(t.queryRow("SELECT "+providerCols.sel("p")+" FROM payment_providers p WHERE p.id = ? AND "+sc, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("payment provider")
	} else if err != nil {
		return nil, fmt.Errorf("read payment provider %d: %w", id, err)
	}
	owners, err := t.providerOwners([]int32{p.ID})
	if err != nil {
		return nil, err
	}
	p.ContractOwnerIDs = owners[p.ID]
	return p, nil
}

func (t *tx) UpdateProvider(p *ep.PaymentProvider) error {
	_, err := t.exec("UPDATE payment_providers SET "+providerUpdate.set()+" WHERE id = ?", append(providerUpdate.values(p), p.ID)...)
	if err != nil {
		return fmt.Errorf("update payment provider %d: %w", p.ID, err)
	}
	return t.writeProviderOwners(p)
}

func (t *tx) ListProviders(s store.Scope, l query.List) ([]ep.PaymentProvider, int64, error) {
	var out []ep.PaymentProvider
	total, err := providers.list(t, s, l, providerCols.sel("p"), func(r rowScanner) error {
		p, err := providerCols.scan(r)
		if err != nil {
			return fmt.Errorf("list payment providers: %w", err)
		}
		out = append(out, *p)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int32, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	owners, err := t.providerOwners(ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].ContractOwnerIDs = owners[out[i].ID]
		sort.Slice(out[i].ContractOwnerIDs, func(a, b int) bool { return out[i].ContractOwnerIDs[a] < out[i].ContractOwnerIDs[b] })
	}
	return out, total, nil
}
