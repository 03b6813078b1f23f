package apidocs

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// badgeText is what a reader sees beside an operation that answers 501.
const badgeText = "not implemented yet (501)"

var (
	reOpSection = regexp.MustCompile(`(?s)<section class="op" id="op-([^"]+)">(.*?)</section>`)
	reOpHead    = regexp.MustCompile(`(?s)<div class="op-head">(.*?)</div>`)
	reNavItem   = regexp.MustCompile(`<li><a href="#op-([^"]+)"[^>]*>(.*?)</a></li>`)
	reIndexRow  = regexp.MustCompile(`<tr><td><span class="m[^"]*">[A-Z]+</span></td><td><a class="path" href="#op-([^"]+)">.*?</tr>`)
)

// badged returns, for each of the page's three places that list operations (the heading of
// the operation's own section, the side navigation, the contents table), the sorted
// operationIds shown with the "not implemented yet (501)" badge; all is every operationId of
// a section.
func badged(t *testing.T, page string) (heading, nav, index, all []string) {
	t.Helper()
	for _, m := range reOpSection.FindAllStringSubmatch(page, -1) {
		all = append(all, m[1])
		head := reOpHead.FindStringSubmatch(m[2])
		if head == nil {
			t.Fatalf("section op-%s has no op-head", m[1])
		}
		if strings.Contains(head[1], badgeText) {
			heading = append(heading, m[1])
		}
	}
	for _, m := range reNavItem.FindAllStringSubmatch(page, -1) {
		if strings.Contains(m[2], badgeText) {
			nav = append(nav, m[1])
		}
	}
	for _, m := range reIndexRow.FindAllStringSubmatch(page, -1) {
		if strings.Contains(m[0], badgeText) {
			index = append(index, m[1])
		}
	}
	if len(reNavItem.FindAllString(page, -1)) < len(all) || len(reIndexRow.FindAllString(page, -1)) < len(all) {
		t.Fatalf("the page's indexes list fewer operations than its %d sections", len(all))
	}
	for _, l := range [][]string{heading, nav, index, all} {
		sort.Strings(l)
	}
	return heading, nav, index, all
}

// TestRenderNotImplemented: the operations passed as not implemented, and exactly those, carry
// the badge beside their heading, in the navigation and in the contents table; the intro
// counts them; an id that is no operation of the document is an error (issue 6, item 20).
func TestRenderNotImplemented(t *testing.T) {
	doc := loadSpec(t)
	want := []string{"createSitePaymentMandate", "getSitePaymentMandates", "receivePaymentProviderWebhook"}
	out, err := Render(doc, Options{NotImplemented: want})
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	parsePage(t, page) // still well-formed
	heading, nav, index, all := badged(t, page)
	if len(all) != 41 {
		t.Fatalf("%d operation sections, want 41", len(all))
	}
	for name, got := range map[string][]string{"heading": heading, "navigation": nav, "contents": index} {
		t.Run(name, func(t *testing.T) {
			if !slices.Equal(got, want) {
				t.Errorf("badge in the %s of %v, want exactly %v", name, got, want)
			}
		})
	}
	if !strings.Contains(page, `41 operations (3 <span class="flag ni">`+badgeText+`</span>)`) {
		t.Error("the intro does not count the operations not implemented yet")
	}

	// Nothing listed: no badge anywhere.
	out, err = Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), badgeText) {
		t.Error("badge shown although no operation is listed as not implemented")
	}

	if _, err := Render(doc, Options{NotImplemented: []string{"getSitePaymentMandates", "noSuchOperation"}}); err == nil || !strings.Contains(err.Error(), "noSuchOperation") {
		t.Errorf("unknown operationId: err = %v, want an error naming it", err)
	}
}
