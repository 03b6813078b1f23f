// Settings: a key-value table of service-wide values.

package sqlstore

import (
	"fmt"
)

// setting is a row of settings.
type setting struct{ key, value string }

var settingCols = columns[setting]{
	col("key", func(s *setting) *string { return &s.key }),
	col("value", func(s *setting) *string { return &s.value }),
}

var settingValue = settingCols.only("value")

func (t *tx) Setting(key string) (string, bool, error) {
	s, err := settingValue.scan(t.queryRow("SELECT "+settingValue.sel("")+" FROM settings WHERE key = ?", key))
	if isNoRows(err) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return s.value, true, nil
}

func (t *tx) SetSettingIfAbsent(key, value string) (string, error) {
	row := setting{key: key, value: value}
	if _, err := t.exec(settingCols.insertSQL("settings")+" ON CONFLICT (key) DO NOTHING", settingCols.values(&row)...); err != nil {
		return "", fmt.Errorf("write setting %s: %w", key, err)
	}
	v, _, err := t.Setting(key)
	return v, err
}
