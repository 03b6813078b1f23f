package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"time"
)

// WAL checkpoints run in the background, not in requests. SQLite's automatic checkpoint runs
// inside the COMMIT that pushes the WAL past 1000 pages, so every so often one request paid for
// copying the WAL back into the database. The write connection turns it off (wal_autocheckpoint
// 0, see WriterDSN) and a goroutine of the store checkpoints instead:
//
//   - every CheckpointEvery (CheckpointIdle while the WAL is empty) a PASSIVE checkpoint on a
//     connection of its own copies the committed pages back beside the writer, without the
//     write lock and without waiting for anyone;
//   - the WAL starts over from its beginning only when a write begins with every frame copied
//     back and no reader still on an older snapshot, which a checkpoint beside a busy writer and
//     busy readers never sees: so once the WAL holds RestartFrames frames the goroutine takes
//     its turn on the write connection (between two transactions, queued like one) and runs a
//     RESTART checkpoint there. It copies the few frames written since the last PASSIVE one
//     (PASSIVE checkpoints are repeated first until fewer than RestartTail came in), waits
//     for readers on older snapshots (short: RestartWait at most, it holds up the writers
//     meanwhile; it tries again next round if they are slower) and starts the WAL over.
//
// journal_size_limit (WALLimit) cuts a WAL that grew past it back when it starts over. Only a
// reader holding one snapshot for longer than the rounds last (a very long read) lets the WAL
// grow, as it does whatever checkpoints.
const (
	CheckpointEvery = 100 * time.Millisecond
	CheckpointIdle  = 250 * time.Millisecond
	RestartFrames   = 4000
	RestartTail     = 256
	RestartWait     = 50 * time.Millisecond
	WALLimit        = 64 << 20 // bytes
)

// WithWriter runs fn on a write connection in its turn among the writers (sqlstore.DB.WithWriter
// for the store).
type WithWriter func(ctx context.Context, fn func(*sql.Conn) error) error

// Checkpoints checkpoints the WAL of the database file at path in the background, as the store
// does (see CheckpointEvery), until stop is called; withWriter gives it its turns on the write
// connection. Stop waits for the goroutine to end and closes its connection.
func Checkpoints(path string, withWriter WithWriter) (stop func() error, err error) {
	db, err := sql.Open("sqlite", checkpointDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c := &checkpointer{db: db, withWriter: withWriter}
	go func() {
		defer close(done)
		c.run(ctx)
	}()
	return func() error {
		cancel()
		<-done
		return db.Close()
	}, nil
}

// checkpointDSN is the data source name of the checkpointer's connection. It never writes rows,
// and a PASSIVE checkpoint never calls the busy handler; the busy timeout serves opening.
func checkpointDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	return "file:" + path + "?" + q.Encode()
}

type checkpointer struct {
	db         *sql.DB
	withWriter WithWriter
}

func (c *checkpointer) run(ctx context.Context) {
	t := time.NewTimer(CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		next := CheckpointEvery
		if frames, err := c.once(ctx); err == nil && frames == 0 {
			next = CheckpointIdle
		}
		t.Reset(next)
	}
}

// once runs one round (see CheckpointEvery) and returns the WAL's size in frames.
func (c *checkpointer) once(ctx context.Context) (frames int, err error) {
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	frames, copied, err := checkpoint(ctx, conn, "PASSIVE")
	// Before taking a turn on the write connection, which holds the writers up, copy again
	// beside them what they wrote meanwhile, until that is little (RestartTail frames) or
	// after a few passes: the turn then has little left to copy.
	for pass := 1; err == nil && frames >= RestartFrames && pass < 4; pass++ {
		var now, done int
		if now, done, err = checkpoint(ctx, conn, "PASSIVE"); err == nil {
			behind := now - copied
			frames, copied = now, done
			if behind <= RestartTail {
				break
			}
		}
	}
	conn.Close()
	if err != nil || frames < RestartFrames {
		return frames, err
	}
	err = c.withWriter(ctx, func(w *sql.Conn) error {
		if _, err := w.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", RestartWait.Milliseconds())); err != nil {
			return err
		}
		_, _, err := checkpoint(ctx, w, "RESTART")
		if _, rerr := w.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout)); rerr != nil {
			// The write connection must not keep the short wait: drop it, the pool opens
			// another with the DSN's.
			_ = w.Raw(func(any) error { return driver.ErrBadConn })
		}
		return err
	})
	return frames, err
}

// checkpoint runs PRAGMA wal_checkpoint(mode) on conn and returns the WAL's size in frames and
// how many of them are now in the database file (-1, -1 when the database is not in WAL mode).
func checkpoint(ctx context.Context, conn *sql.Conn, mode string) (frames, copied int, err error) {
	var busy int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied); err != nil {
		return 0, 0, fmt.Errorf("wal_checkpoint(%s): %w", mode, err)
	}
	return frames, copied, nil
}
