// Idempotency keys: the stored record of each keyed request and its response.

package sqlstore

import (
	"fmt"

	"github.com/elevatepay/elevatepay/store"
)

func (t *tx) IdempotencyBegin(k *store.IdempotencyRecord) (*store.IdempotencyRecord, error) {
	res, err := t.exec(`INSERT INTO idempotency_keys (subject, key, fingerprint, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subject, key) DO NOTHING`,
		k.Subject, k.Key, k.Fingerprint, k.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var r store.IdempotencyRecord
	err = t.queryRow("SELECT subject, key, fingerprint, created_at, completed, executed, status, header, body FROM idempotency_keys WHERE subject = ? AND key = ?", k.Subject, k.Key).
		Scan(&r.Subject, &r.Key, &r.Fingerprint, &r.CreatedAt, &r.Completed, &r.Executed, &r.Status, &r.Header, &r.Body)
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	return &r, nil
}

func (t *tx) IdempotencyComplete(k *store.IdempotencyRecord) error {
	_, err := t.exec("UPDATE idempotency_keys SET completed = ?, executed = ?, status = ?, header = ?, body = ? WHERE subject = ? AND key = ?",
		true, k.Executed, k.Status, k.Header, k.Body, k.Subject, k.Key)
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

func (t *tx) IdempotencyTakeOver(k *store.IdempotencyRecord, createdAt int64) (bool, error) {
	res, err := t.exec(`UPDATE idempotency_keys SET created_at = ?, fingerprint = ? WHERE subject = ? AND key = ? AND created_at = ? AND completed = ? AND executed = ?`,
		k.CreatedAt, k.Fingerprint, k.Subject, k.Key, createdAt, false, false)
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
