// Settings: a key-value table of service-wide values.

package sqlstore

import (
	"fmt"
)

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
