package postgres

// MigrationLockKey exposes the advisory lock key to the external tests.
var MigrationLockKey = migrationLockKey
