package sqlstore

import (
	"fmt"
	"testing"
)

// TestRebind: placeholders become $1, $2 … in order, answers are reused, and however many
// distinct texts pass through, the remembered ones stay within maxRebound.
func TestRebind(t *testing.T) {
	pg := &tx{d: &Dialect{Numbered: true}}
	if got := pg.rebind("SELECT ? FROM t WHERE a = ? AND b IN (?, ?)"); got != "SELECT $1 FROM t WHERE a = $2 AND b IN ($3, $4)" {
		t.Errorf("rebind = %q", got)
	}
	if got := pg.rebind("SELECT ? FROM t WHERE a = ? AND b IN (?, ?)"); got != "SELECT $1 FROM t WHERE a = $2 AND b IN ($3, $4)" {
		t.Errorf("remembered rebind = %q", got)
	}
	if got := (&tx{d: &Dialect{}}).rebind("SELECT ?"); got != "SELECT ?" {
		t.Errorf("SQLite's statement was rewritten: %q", got)
	}
	for i := range maxRebound + 100 {
		q := fmt.Sprintf("SELECT %d WHERE x = ?", i)
		if got, want := pg.rebind(q), fmt.Sprintf("SELECT %d WHERE x = $1", i); got != want {
			t.Fatalf("rebind(%q) = %q", q, got)
		}
	}
	if n := reboundSize.Load(); n > maxRebound {
		t.Errorf("%d texts remembered, want at most %d", n, maxRebound)
	}
}
