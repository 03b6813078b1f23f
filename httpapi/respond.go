package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/elevatepay/elevatepay/query"
)

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"status":500,"error":"Internal Server Error","message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// created answers 201 with the created object and, when location is set, a Location header.
func (c *call) created(location string, v any) error {
	if location != "" {
		c.w.Header().Set("Location", location)
	}
	writeJSON(c.w, http.StatusCreated, v)
	return nil
}

// ok answers 200 with v, narrowed to the requested fields on GETs (spec §2.6).
func (c *call) ok(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	if c.r.Method == http.MethodGet && len(c.list.Fields) > 0 {
		if b, err = query.Project(b, c.op.Query.Selectable, c.list.Fields); err != nil {
			return fmt.Errorf("project response: %w", err)
		}
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(b)
	return nil
}

// listed answers a list: a bare JSON array (narrowed by fields) with X-Total-Count and Link (§2.8).
func listed[T any](c *call, items []T, total int64) error {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := range items {
		b, err := json.Marshal(items[i])
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		if len(c.list.Fields) > 0 {
			if b, err = query.Project(b, c.op.Query.Selectable, c.list.Fields); err != nil {
				return fmt.Errorf("project response: %w", err)
			}
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Total-Count", strconv.FormatInt(total, 10))
	h.Set("Link", query.LinkHeader(c.r.URL, c.list.Page, c.list.PageSize, total))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf.Bytes())
	return nil
}
