package sqlstore

import (
	"reflect"
	"strings"
	"testing"
)

type colRow struct {
	id    int64
	name  string
	note  *string
	tags  []string
	count int32
}

var colRowCols = columns[colRow]{
	col("id", func(r *colRow) *int64 { return &r.id }),
	col("name", func(r *colRow) *string { return &r.name }),
	nullCol("note", func(r *colRow) **string { return &r.note }),
	textCol("tags", func(r *colRow) *[]string { return &r.tags }, func(s []string) string { return strings.Join(s, " ") }, strings.Fields),
	col("count", func(r *colRow) *int32 { return &r.count }),
}

// fakeRow scans driver-like values through the destinations as database/sql would for these types.
type fakeRow []any

func (f fakeRow) Scan(dest ...any) error {
	for i, d := range dest {
		switch d := d.(type) {
		case *int64:
			*d = f[i].(int64)
		case *int32:
			*d = int32(f[i].(int64))
		case *string:
			*d = f[i].(string)
		case scanFunc:
			if err := d.Scan(f[i]); err != nil {
				return err
			}
		default:
			panic("unexpected destination")
		}
	}
	return nil
}

func TestColumnsSQL(t *testing.T) {
	cs := colRowCols
	for _, c := range []struct{ got, want string }{
		{cs.sel(""), "id, name, note, tags, count"},
		{cs.sel("x"), "x.id, x.name, x.note, x.tags, x.count"},
		{cs.except("id").insertSQL("rows"), "INSERT INTO rows (name, note, tags, count) VALUES (?, ?, ?, ?)"},
		{cs.only("count", "name").set(), "count = ?, name = ?"},
		{cs.except("id", "tags").sel(""), "name, note, count"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("only with an unknown column did not panic")
		}
	}()
	cs.only("nope")
}

func TestColumnsScanAndValues(t *testing.T) {
	note := "n"
	r := colRow{id: 1, name: "a", note: &note, tags: []string{"x", "y"}, count: 7}
	vals := colRowCols.values(&r)
	if want := []any{int64(1), "a", &note, "x y", int32(7)}; !reflect.DeepEqual(vals, want) {
		t.Fatalf("values = %#v, want %#v", vals, want)
	}
	got, err := colRowCols.scan(fakeRow{int64(1), "a", "n", "x y", int64(7)})
	if err != nil || !reflect.DeepEqual(*got, r) {
		t.Fatalf("scan = %+v, %v; want %+v", got, err, r)
	}
	got, err = colRowCols.scan(fakeRow{int64(1), "a", nil, "", int64(7)})
	if err != nil || got.note != nil || len(got.tags) != 0 {
		t.Fatalf("scan of NULL note and empty tags = %+v, %v", got, err)
	}
	if _, err := colRowCols.scan(fakeRow{int64(1), "a", nil, nil, int64(7)}); err == nil {
		t.Fatal("NULL in a text-encoded column scanned without error")
	}
}
