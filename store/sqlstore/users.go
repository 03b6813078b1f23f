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

func joinScopes(s []string) string { return strings.Join(s, " ") }

var userCols = columns[ep.User]{
	col("id", func(u *ep.User) *int64 { return &u.ID }),
	col("username", func(u *ep.User) *string { return &u.Username }),
	col("password_hash", func(u *ep.User) *string { return &u.PasswordHash }),
	textCol("contract_owner_ids", func(u *ep.User) *[]int32 { return &u.ContractOwnerIDs }, joinInts, splitInts), // "1,2,3"
	col("admin", func(u *ep.User) *bool { return &u.Admin }),
	textCol("scopes", func(u *ep.User) *[]string { return &u.Scopes }, joinScopes, strings.Fields), // space-separated
	col("disabled", func(u *ep.User) *bool { return &u.Disabled }),
	col("failures", func(u *ep.User) *int { return &u.Failures }),
	col("locked_until", func(u *ep.User) *int64 { return &u.LockedUntil }),
}

var (
	// userInsert: a new user has no failed logins and is not locked.
	userInsert   = userCols.except("id", "failures", "locked_until")
	userDisabled = userCols.only("disabled")
	userAttempts = userCols.only("failures", "locked_until")
)

func (t *tx) CreateUser(u *ep.User) error {
	id, err := t.insert(userInsert.insertSQL("users"), userInsert.values(u)...)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "user %s already exists", u.Username)
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID = id
	return nil
}

func (t *tx) UserByName(username string) (*ep.User, error) {
	u, err := userCols.scan(t.queryRow("SELECT "+userCols.sel("")+" FROM users WHERE username = ?", username))
	if isNoRows(err) {
		return nil, ep.NotFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

func (t *tx) ListUsers() ([]ep.User, error) {
	rows, err := t.query("SELECT " + userCols.sel("") + " FROM users ORDER BY username")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var us []ep.User
	for rows.Next() {
		u, err := userCols.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us = append(us, *u)
	}
	return us, rows.Err()
}

func (t *tx) SetUserDisabled(username string, disabled bool) error {
	res, err := t.exec("UPDATE users SET "+userDisabled.set()+" WHERE username = ?", append(userDisabled.values(&ep.User{Disabled: disabled}), username)...)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ep.NotFound("user")
	}
	return nil
}

func (t *tx) SetUserAttempts(id int64, failures int, lockedUntil int64) error {
	u := ep.User{Failures: failures, LockedUntil: lockedUntil}
	if _, err := t.exec("UPDATE users SET "+userAttempts.set()+" WHERE id = ?", append(userAttempts.values(&u), id)...); err != nil {
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
	u, err := userCols.scan(t.queryRow("UPDATE users SET failures = 0, locked_until = 0 WHERE id = ? AND locked_until <= ? RETURNING "+userCols.sel(""), id, now))
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("record login: %w", err)
	}
	return u, nil
}
