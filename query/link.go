package query

import (
	"net/url"
	"strconv"
	"strings"
)

// LinkHeader returns the value of the RFC 8288 Link header of a list
// response (§2.8) with rel="first", "prev" (only when page > 1), "next" (only
// when a later page has rows) and "last". Each link is u's path (prefixed by
// u's scheme and host when u has them) with u's query re-encoded — parameters
// sorted by name, every value kept — and page set to the linked page and
// pageSize to pageSize. When total is 0, first and last both point at page 1.
// For a page beyond the last one, prev points at the last page. pageSize must
// be >= 1.
func LinkHeader(u *url.URL, page, pageSize int, total int64) string {
	if pageSize < 1 {
		pageSize = 1
	}
	last := int64(1)
	if total > 0 {
		last = (total + int64(pageSize) - 1) / int64(pageSize)
	}
	base := u.EscapedPath()
	if u.Scheme != "" && u.Host != "" {
		base = u.Scheme + "://" + u.Host + base
	}
	q := u.Query()
	q.Set("pageSize", strconv.Itoa(pageSize))
	link := func(p int64, rel string) string {
		q.Set("page", strconv.FormatInt(p, 10))
		return "<" + base + "?" + q.Encode() + ">; rel=\"" + rel + "\""
	}
	parts := []string{link(1, "first")}
	if page > 1 {
		parts = append(parts, link(min(int64(page)-1, last), "prev"))
	}
	if int64(page) < last {
		parts = append(parts, link(int64(page)+1, "next"))
	}
	parts = append(parts, link(last, "last"))
	return strings.Join(parts, ", ")
}
