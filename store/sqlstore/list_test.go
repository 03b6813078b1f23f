package sqlstore

import (
	"os"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/query"
)

// The stored amount keys of migration 00005 are generated columns whose expressions must be
// plainKey's, character for character, on both engines: the lists compare filter values split in
// Go (splitMicro) with them, so a drift would silently misorder or mismatch amounts.
func TestStoredKeyExpressionsArePlainKey(t *testing.T) {
	k := plainKey("amount", "currency_exp")
	for _, m := range []struct{ file, typ, kind string }{
		{"../postgres/migrations/00005_list_indexes.sql", "BIGINT", "STORED"},
		{"../sqlite/migrations/00005_list_indexes.sql", "INTEGER", "VIRTUAL"},
	} {
		b, err := os.ReadFile(m.file)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		for _, c := range []struct{ col, expr string }{{"amount_key_hi", k.hi}, {"amount_key_lo", k.lo}} {
			decl := c.col + " " + m.typ + " NOT NULL GENERATED ALWAYS AS (" + c.expr + ") " + m.kind
			// invoice_payments and refunds; no other declaration of the column.
			if got, all := strings.Count(src, decl), strings.Count(src, c.col+" "+m.typ); got != 2 || all != 2 {
				t.Errorf("%s: %d declarations of %s as plainKey's expression among %d, want 2 of 2:\n%s", m.file, got, c.col, all, decl)
			}
		}
	}
}

// The amount sort is written as the indexes of migration 00005 hold it: the stored key columns
// without NULLS FIRST/LAST (SQLite reads an index in order only for its own NULL placement), then
// the id tie-break; a field that may be NULL keeps its NULL placement.
func TestOrderByStoredKey(t *testing.T) {
	tx := &tx{d: &Dialect{TextCollate: ` COLLATE "C"`}}
	for _, tc := range []struct {
		sorts []query.Sort
		want  string
	}{
		{nil, " ORDER BY p.id ASC"},
		{[]query.Sort{{Field: "amountInMajorCurrency", Desc: true}}, " ORDER BY p.amount_key_hi DESC, p.amount_key_lo DESC, p.id ASC"},
		{[]query.Sort{{Field: "amountInMajorCurrency"}}, " ORDER BY p.amount_key_hi ASC, p.amount_key_lo ASC, p.id ASC"},
		{[]query.Sort{{Field: "paymentDate", Desc: true}, {Field: "id"}}, " ORDER BY p.payment_date DESC, p.id ASC, p.id ASC"},
		{[]query.Sort{{Field: "paymentMethod"}}, ` ORDER BY p.payment_method COLLATE "C" ASC, p.id ASC`},
		{[]query.Sort{{Field: "customerPaymentId", Desc: true}}, " ORDER BY p.customer_payment_id DESC NULLS FIRST, p.id ASC"},
		{[]query.Sort{{Field: "billRunId"}}, " ORDER BY p.bill_run_id ASC NULLS LAST, p.id ASC"},
	} {
		got, err := normalPayments.orderBy(tx, query.List{Sorts: tc.sorts})
		if err != nil || got != tc.want {
			t.Errorf("sort %v: %q, %v; want %q", tc.sorts, got, err, tc.want)
		}
	}
}
