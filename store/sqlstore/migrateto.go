package sqlstore

import (
	"context"
	"fmt"
)

// MigrateTo moves the schema to version, applying migrations up or rolling them back down (for
// tests of a migration's backfill, and for an operator undoing a release).
func (s *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider(true)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}
