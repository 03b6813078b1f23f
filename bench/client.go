package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// client is one load-generating goroutine's HTTP/1.1 connection to the server: it writes each
// request with the headers a real client sends (Host, Authorization, Content-Type,
// Content-Length, Idempotency-Key) and reads the whole response (status line, headers, a body of
// Content-Length bytes or chunked), one request at a time over a keep-alive connection.
//
// It replaces net/http's client in the cells because the load generator shares the machine's
// cores with the server and the database: net/http's client cost 0.1 ms of CPU a request here
// (a fifth of the two cores in scenario c), time the server and PostgreSQL did not get, where
// pgbench, the limit's client, is a small C program. A response the server sends is read in
// full and checked (status, framing), so a malformed one is an error, not a success.
type client struct {
	addr   string // host:port
	header []byte // request headers every request carries, CRLF-terminated
	c      net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	buf    []byte // the request being written
}

func newClient(srv *server) *client {
	addr := strings.TrimPrefix(srv.base, "http://")
	return &client{addr: addr,
		header: []byte("Host: " + addr + "\r\nAuthorization: Bearer " + srv.token + "\r\nUser-Agent: elevatepay-bench\r\n")}
}

// close closes the connection, if one is open.
func (cl *client) close() {
	if cl.c != nil {
		cl.c.Close()
		cl.c = nil
	}
}

// errFraming is a response the client cannot read as HTTP/1.1.
var errFraming = errors.New("malformed HTTP response")

// do makes one request and returns its status and, for a status other than 2xx, the start of
// its body. The connection is dialled on first use and after any error; it ends when ctx does
// (its deadline is the cell's end).
func (cl *client) do(ctx context.Context, r request) (status int, body []byte, err error) {
	dl, hasDeadline := ctx.Deadline()
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	if hasDeadline && !time.Now().Before(dl) {
		return 0, nil, context.DeadlineExceeded // the context's own timer may not have fired yet
	}
	if cl.c == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", cl.addr)
		if err != nil {
			return 0, nil, err
		}
		if hasDeadline {
			c.SetDeadline(dl)
		}
		cl.c, cl.r, cl.w = c, bufio.NewReaderSize(c, 16<<10), bufio.NewWriterSize(c, 4<<10)
	}
	status, body, keep, err := cl.roundTrip(r)
	if err != nil || !keep {
		cl.close()
	}
	if err != nil && (ctx.Err() != nil || hasDeadline && !time.Now().Before(dl)) {
		err = context.DeadlineExceeded // cut off by the end of the cell
	}
	return status, body, err
}

func (cl *client) roundTrip(r request) (status int, body []byte, keep bool, err error) {
	b := cl.buf[:0]
	b = append(b, r.method...)
	b = append(b, ' ')
	b = append(b, r.path...)
	b = append(b, " HTTP/1.1\r\n"...)
	b = append(b, cl.header...)
	if r.body != nil {
		b = append(b, "Content-Type: application/json\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(r.body)), 10)
		b = append(b, "\r\n"...)
	}
	if r.key != "" {
		b = append(b, "Idempotency-Key: "...)
		b = append(b, r.key...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, r.body...)
	cl.buf = b
	if _, err := cl.w.Write(b); err != nil {
		return 0, nil, false, err
	}
	if err := cl.w.Flush(); err != nil {
		return 0, nil, false, err
	}

	line, err := cl.line()
	if err != nil {
		return 0, nil, false, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) || len(line) > 12 && line[12] != ' ' {
		return 0, nil, false, fmt.Errorf("%w: status line %q", errFraming, clip(line, 80))
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, false, fmt.Errorf("%w: status line %q", errFraming, clip(line, 80))
	}
	length, chunked, keep := int64(-1), false, true
	for {
		h, err := cl.line()
		if err != nil {
			return 0, nil, false, err
		}
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return 0, nil, false, fmt.Errorf("%w: header %q", errFraming, clip(h, 80))
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.ParseInt(string(value), 10, 64); err != nil || length < 0 {
				return 0, nil, false, fmt.Errorf("%w: Content-Length %q", errFraming, clip(value, 40))
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
			if !chunked {
				return 0, nil, false, fmt.Errorf("%w: Transfer-Encoding %q", errFraming, clip(value, 40))
			}
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	ok := status >= 200 && status <= 299
	var keepBody *bytes.Buffer
	if !ok {
		keepBody = new(bytes.Buffer)
	}
	switch {
	case chunked:
		err = cl.chunks(keepBody)
	case length >= 0:
		err = cl.copy(keepBody, length)
	default: // no framing: the body runs to the end of the connection
		err, keep = cl.copy(keepBody, -1), false
	}
	if err != nil {
		return 0, nil, false, err
	}
	if keepBody != nil {
		body = keepBody.Bytes()
	}
	return status, body, keep, nil
}

// line reads one CRLF-terminated line without its end.
func (cl *client) line() ([]byte, error) {
	line, err := cl.r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: line longer than %d bytes", errFraming, cl.r.Size())
		}
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// copy reads n bytes of body (n < 0: to the end of the connection), keeping up to 2 KiB of it in
// keep when keep is not nil.
func (cl *client) copy(keep *bytes.Buffer, n int64) error {
	var src io.Reader = cl.r
	if n >= 0 {
		src = io.LimitReader(cl.r, n)
	}
	var dst io.Writer = io.Discard
	if keep != nil {
		dst = &capped{b: keep, n: 2048}
	}
	got, err := io.Copy(dst, src)
	if err != nil {
		return err
	}
	if n >= 0 && got != n {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// chunks reads a chunked body and its trailer.
func (cl *client) chunks(keep *bytes.Buffer) error {
	for {
		line, err := cl.line()
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %q", errFraming, clip(line, 40))
		}
		if n == 0 {
			for { // trailer, up to the blank line
				t, err := cl.line()
				if err != nil {
					return err
				}
				if len(t) == 0 {
					return nil
				}
			}
		}
		if err := cl.copy(keep, n); err != nil {
			return err
		}
		if end, err := cl.line(); err != nil {
			return err
		} else if len(end) != 0 {
			return fmt.Errorf("%w: no CRLF after a chunk", errFraming)
		}
	}
}

// capped keeps the first n bytes written to it and discards the rest.
type capped struct {
	b *bytes.Buffer
	n int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.n - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
