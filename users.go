package elevatepay

// User is an account of POST /v1/authenticate.
type User struct {
	ID               int64
	Username         string
	PasswordHash     string
	ContractOwnerIDs []int32
	Admin            bool
	Scopes           []string
	Disabled         bool
	Failures         int
	LockedUntil      int64 // unix seconds; 0 = not locked
}
