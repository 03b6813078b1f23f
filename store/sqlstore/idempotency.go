// Idempotency keys: the stored record of each keyed request and its response.

package sqlstore

import (
	"fmt"

	"github.com/elevatepay/elevatepay/store"
)

var idempotencyCols = columns[store.IdempotencyRecord]{
	col("subject", func(r *store.IdempotencyRecord) *string { return &r.Subject }),
	col("key", func(r *store.IdempotencyRecord) *string { return &r.Key }),
	col("fingerprint", func(r *store.IdempotencyRecord) *string { return &r.Fingerprint }),
	col("created_at", func(r *store.IdempotencyRecord) *int64 { return &r.CreatedAt }),
	col("completed", func(r *store.IdempotencyRecord) *bool { return &r.Completed }),
	col("executed", func(r *store.IdempotencyRecord) *bool { return &r.Executed }),
	col("status", func(r *store.IdempotencyRecord) *int { return &r.Status }),
	col("header", func(r *store.IdempotencyRecord) *string { return &r.Header }),
	col("body", func(r *store.IdempotencyRecord) *[]byte { return &r.Body }), // NULL reads as nil
}

var (
	// idempotencyBegin: a new key is in progress, with no response yet.
	idempotencyBegin = idempotencyCols.only("subject", "key", "fingerprint", "created_at")
	// idempotencyResponse: what completing a key writes.
	idempotencyResponse = idempotencyCols.only("completed", "executed", "status", "header", "body")
	// idempotencyTakeOver: what taking over an abandoned key rewrites.
	idempotencyTakeOver = idempotencyCols.only("created_at", "fingerprint")
)

// IdempotencyBegin claims k, or returns the record holding it. Outside a transaction (Auto)
// the record can be released between the conflicting insert and its read; then the claim is
// tried again.
func (t *tx) IdempotencyBegin(k *store.IdempotencyRecord) (*store.IdempotencyRecord, error) {
	claim := idempotencyBegin.insertSQL("idempotency_keys") + " ON CONFLICT (subject, key) DO NOTHING"
	if t.tx == nil && t.d.NoFlushCTE != "" {
		// Outside a transaction the claim commits without waiting for the disk: the request's
		// own transaction commits later and waits, which flushes the log up to it, claim
		// included; a claim lost in a crash before that is a request that never started.
		claim = "WITH noflush AS (" + t.d.NoFlushCTE + ") " + idempotencyBegin.insertSelectSQL("idempotency_keys", "", "", "noflush") +
			" ON CONFLICT (subject, key) DO NOTHING"
	}
	for attempt := 1; ; attempt++ {
		res, err := t.exec(claim, idempotencyBegin.values(k)...)
		if err != nil {
			return nil, fmt.Errorf("idempotency key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil, nil
		}
		r, err := idempotencyCols.scan(t.queryRow("SELECT "+idempotencyCols.sel("")+" FROM idempotency_keys WHERE subject = ? AND key = ?", k.Subject, k.Key))
		if isNoRows(err) && attempt < 3 {
			continue // released in between
		} else if err != nil {
			return nil, fmt.Errorf("idempotency key: %w", err)
		}
		return r, nil
	}
}

func (t *tx) IdempotencyComplete(k *store.IdempotencyRecord) error {
	done := *k
	done.Completed = true
	_, err := t.exec("UPDATE idempotency_keys SET "+idempotencyResponse.set()+" WHERE subject = ? AND key = ?",
		append(idempotencyResponse.values(&done), k.Subject, k.Key)...)
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

func (t *tx) IdempotencyTakeOver(k *store.IdempotencyRecord, createdAt int64) (bool, error) {
	res, err := t.exec("UPDATE idempotency_keys SET "+idempotencyTakeOver.set()+" WHERE subject = ? AND key = ? AND created_at = ? AND completed = ? AND executed = ?",
		append(idempotencyTakeOver.values(k), k.Subject, k.Key, createdAt, false, false)...)
	if err != nil {
		return false, fmt.Errorf("idempotency key: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (t *tx) IdempotencyRelease(subject, key string) error {
	if _, err := t.exec("DELETE FROM idempotency_keys WHERE subject = ? AND key = ?", subject, key); err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

func (t *tx) IdempotencyPurge(before int64) (int64, error) {
	res, err := t.exec("DELETE FROM idempotency_keys WHERE created_at < ?", before)
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
