package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestServeBoundsHeaders: the served request line and headers are bounded to 64 KiB (not
// net/http's 1 MiB), while a 50 KB invented method still gets the API's JSON 405.
func TestServeBoundsHeaders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, _, stop := startServe(t, []string{"--database", "sqlite:" + dir + "/h.db"}, noEnv)
	defer stop()
	req, _ := http.NewRequest("GET", base+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: status %d, want 431", resp.StatusCode)
	}
	req, _ = http.NewRequest(strings.Repeat("M", 50<<10), base+"/v1/customers", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("50 KB method: status %d %s, want the JSON 405", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
