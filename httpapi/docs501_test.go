package httpapi_test

import (
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// TestDocsMarkNotImplemented: GET /docs shows the "not implemented yet (501)" badge beside
// exactly the operations of the server's route table that answer 501 (s.NotImplemented()),
// in the operation's heading, the navigation and the contents table (issue 6, item 20).
func TestDocsMarkNotImplemented(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite") // the page does not depend on the database
	want := slices.Clone(e.Server.NotImplemented())
	sort.Strings(want)
	if len(want) == 0 {
		t.Log("every operation is built: the page must show no badge")
	}
	resp, err := e.Client.Get(e.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /docs: %d", resp.StatusCode)
	}
	page := string(b)
	const badge = "not implemented yet (501)"
	collect := func(re string, text func(m []string) string) []string {
		var ids []string
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(page, -1) {
			if strings.Contains(text(m), badge) {
				ids = append(ids, m[1])
			}
		}
		sort.Strings(ids)
		return ids
	}
	heading := collect(`(?s)<section class="op" id="op-([^"]+)">\s*<div class="op-head">(.*?)</div>`, func(m []string) string { return m[2] })
	nav := collect(`<li><a href="#op-([^"]+)"[^>]*>(.*?)</a></li>`, func(m []string) string { return m[2] })
	index := collect(`<tr><td><span class="m[^"]*">[A-Z]+</span></td><td><a class="path" href="#op-([^"]+)">.*?</tr>`, func(m []string) string { return m[0] })
	for name, got := range map[string][]string{"operation heading": heading, "navigation": nav, "contents table": index} {
		t.Run(name, func(t *testing.T) {
			if !slices.Equal(got, want) {
				t.Errorf("badge in the %s of %v,\nwant exactly s.NotImplemented() = %v", name, got, want)
			}
		})
	}
	if n := strings.Count(page, `<section class="op" id="op-`); n != 41 {
		t.Errorf("%d operation sections, want 41", n)
	}
}
