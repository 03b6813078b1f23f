package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlite"
)

// TestNewDatabaseFilesArePrivate: a new database file and its -wal and -shm files are 0600 even
// with umask 0 (issue 6 item 6: they were 0644, and the file holds the token signing secret).
func TestNewDatabaseFilesArePrivate(t *testing.T) {
	// Serial: it changes the process-wide umask.
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Tx(context.Background(), func(tx store.Tx) error {
		_, err := tx.SetSettingIfAbsent("jwt_secret", "c2VjcmV0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range append([]string{path}, path+"-wal", path+"-shm") {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %v, want -rw------- (0600)", filepath.Base(f), m)
		}
	}
	if exp, err := sqlite.Exposed(path); err != nil || len(exp) != 0 {
		t.Errorf("Exposed(new database) = %v, %v; want none", exp, err)
	}
	// An existing file keeps its mode (Open does not change it); Exposed names it and any
	// companion others may read or write.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path+"-wal", 0o620); err != nil {
		t.Fatal(err)
	}
	exp, err := sqlite.Exposed(path)
	if err != nil || len(exp) != 2 || exp[path] != 0o644 || exp[path+"-wal"] != 0o620 {
		t.Errorf("Exposed = %v, %v; want %s 0644 and its -wal 0620", exp, err, path)
	}
	if exp, err := sqlite.Exposed(filepath.Join(t.TempDir(), "missing.db")); err != nil || len(exp) != 0 {
		t.Errorf("Exposed(missing file) = %v, %v", exp, err)
	}
}
