package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlite"
)

// TestWALStaysBounded: automatic checkpoints are off on the write connection, and the store's
// background checkpoints keep the WAL small under a sustained write load with readers beside
// it. Without them every page written would stay in the WAL: it would be at least as large as
// the database. With them it starts over every round, so it never holds more than the restart
// threshold and what the writers add during a round or two (about a second of writes, however
// fast the machine and its disk), and stays well below what went through it.
func TestWALStaysBounded(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes for 3 s")
	}
	path := filepath.Join(t.TempDir(), "wal.db")
	s := testdb.SQLiteAt(t, path)
	var auto int
	if err := s.SQL().QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint on the write connection = %d, %v; want 0", auto, err)
	}
	value := strings.Repeat("x", 64<<10)                                    // 16 pages a row
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second) // secs below
	defer cancel()
	var maxWAL atomic.Int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				err := s.Tx(ctx, func(tx store.Tx) error {
					_, err := tx.SetSettingIfAbsent(fmt.Sprintf("g%d-%d", g, i), value)
					return err
				})
				if err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 2 { // readers, which hold WAL snapshots while they read
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				_ = s.Read(ctx, func(tx store.Tx) error { _, _, err := tx.Setting("g0-1"); return err })
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > maxWAL.Load() {
				maxWAL.Store(fi.Size())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wg.Wait()
	// Every page of the database went through the WAL at least once.
	var size int64
	if err := s.SQL().QueryRow("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").Scan(&size); err != nil {
		t.Fatal(err)
	}
	secs := 3.0
	t.Logf("database of %.1f MB written; largest -wal %.1f MB", float64(size)/(1<<20), float64(maxWAL.Load())/(1<<20))
	bound := int64(sqlite.RestartFrames*4096 + float64(size)/secs)
	if size <= bound {
		t.Skipf("only %.1f MB written: a WAL that never starts over would not exceed the bound either", float64(size)/(1<<20))
	}
	if maxWAL.Load() > bound {
		t.Errorf("the -wal file reached %.1f MB, want at most %.1f MB (RestartFrames and a second of writes)",
			float64(maxWAL.Load())/(1<<20), float64(bound)/(1<<20))
	}
	if size >= 4*sqlite.RestartFrames*4096 && 2*maxWAL.Load() > size {
		t.Errorf("the -wal file reached %.1f MB of the %.1f MB written: it does not start over",
			float64(maxWAL.Load())/(1<<20), float64(size)/(1<<20))
	}
}

// TestCheckpointerStops: Open starts one checkpoint goroutine and Close stops it.
func TestCheckpointerStops(t *testing.T) {
	// Not parallel: it counts the package's checkpoint goroutines.
	count := func() int {
		buf := make([]byte, 1<<20)
		for {
			n := runtime.Stack(buf, true)
			if n < len(buf) {
				return strings.Count(string(buf[:n]), "store/sqlite.(*checkpointer).run")
			}
			buf = make([]byte, 2*len(buf))
		}
	}
	settle := func(want int) int {
		var n int
		for range 200 {
			if n = count(); n == want {
				return n
			}
			time.Sleep(10 * time.Millisecond)
		}
		return n
	}
	before := count()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stop.db"))
	if err != nil {
		t.Fatal(err)
	}
	if n := settle(before + 1); n != before+1 {
		t.Errorf("%d checkpoint goroutines after Open, want %d", n, before+1)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before {
		t.Errorf("%d checkpoint goroutines after Close, want %d", n, before)
	}
}
