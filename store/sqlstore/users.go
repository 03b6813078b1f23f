// Users: the accounts of POST /v1/authenticate.

package sqlstore

import (
	"fmt"
	"strconv"
	"strings"

	ep "github.com/elevatepay/elevatepay"
)

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
