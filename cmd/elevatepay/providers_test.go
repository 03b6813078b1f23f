package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// serveWith starts `serve` in-process on a new SQLite file with extra arguments and environment,
// stops it once it listens and returns its stdout and log; a serve that refuses to start returns
// its error.
func serveWith(t *testing.T, args []string, vars map[string]string) (stdout, log string, err error) {
	t.Helper()
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	_, out, logs, stop, err := launchServe(t, append([]string{"--database", db}, args...), func(k string) string { return vars[k] })
	if err == nil {
		err = stop()
	}
	return out.String(), logs.String(), err
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "providers.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeProviders: serve reads --providers (or ELEVATEPAY_PROVIDERS), logs which providers
// are configured without their secrets, warns about ids it does not know, and refuses a
// configuration it cannot serve: an adapter this version does not have, a missing secret.
func TestServeProviders(t *testing.T) {
	t.Parallel()
	secret := "sandbox-webhook-secret-42"
	sandbox := writeFile(t, `providers: {"7": {sandbox: {webhookSecret: "env:SB_SECRET"}}}`)
	_, log, err := serveWith(t, []string{"--providers", sandbox}, map[string]string{"SB_SECRET": secret})
	if err != nil {
		t.Fatalf("serve with a sandbox provider: %v\n%s", err, log)
	}
	if !strings.Contains(log, `"msg":"payment provider configured","payment_provider_id":7,"adapter":"sandbox"`) {
		t.Errorf("no configured provider in the log:\n%s", log)
	}
	if !strings.Contains(log, "no payment provider with this id in the database yet") {
		t.Errorf("no warning about provider 7, which the database lacks:\n%s", log)
	}
	if strings.Contains(log, secret) {
		t.Errorf("the log shows the webhook secret:\n%s", log)
	}
	// The same through the environment.
	if _, log, err := serveWith(t, nil, map[string]string{"ELEVATEPAY_PROVIDERS": sandbox, "SB_SECRET": secret}); err != nil || !strings.Contains(log, `"adapter":"sandbox"`) {
		t.Errorf("ELEVATEPAY_PROVIDERS: %v\n%s", err, log)
	}

	for _, tc := range []struct {
		name, yaml string
		vars       map[string]string
		want       string
	}{
		{"gocardless", `providers: {"2": {gocardless: {accessToken: "env:T", webhookSecret: "env:W"}}}`,
			map[string]string{"T": "token", "W": "webhook-secret-0123456789"}, "payment provider 2: the gocardless adapter is not available yet"},
		{"stripe", `providers: {"3": {stripe: {secretKey: "env:T", webhookSecret: "env:W"}}}`,
			map[string]string{"T": "sk_test", "W": "webhook-secret-0123456789"}, "payment provider 3: the stripe adapter is not available yet"},
		{"missing secret", `providers: {"7": {sandbox: {webhookSecret: "env:UNSET"}}}`, nil, "the environment variable UNSET is not set"},
	} {
		_, log, err := serveWith(t, []string{"--providers", writeFile(t, tc.yaml)}, tc.vars)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: serve answered %v; want it to refuse with %q\n%s", tc.name, err, tc.want, log)
		}
		if err != nil && (strings.Contains(err.Error(), "webhook-secret-0123456789") || strings.Contains(err.Error(), "sk_test")) {
			t.Errorf("%s: the error shows a secret: %v", tc.name, err)
		}
	}
	if _, _, err := serveWith(t, []string{"--providers", filepath.Join(t.TempDir(), "none.yaml")}, nil); err == nil {
		t.Error("serve started with a --providers file that does not exist")
	}
}

// TestServePublicURL: --public-url is the base of the URLs serve hands out (the demo's examples
// here), and must be an absolute http(s) URL.
func TestServePublicURL(t *testing.T) {
	t.Parallel()
	out, log, err := serveWith(t, []string{"--demo", "--public-url", "https://pay.example.com/"}, nil)
	if err != nil {
		t.Fatalf("serve --public-url: %v\n%s", err, log)
	}
	if !strings.Contains(out, "https://pay.example.com/docs") || strings.Contains(out, "https://pay.example.com//") {
		t.Errorf("the demo's URLs do not start with the public URL:\n%s", out)
	}
	for _, bad := range []string{"pay.example.com", "ftp://pay.example.com", "https://", "https://pay.example.com/?a=1", "https://u:p@pay.example.com"} {
		if _, _, err := serveWith(t, []string{"--public-url", bad}, nil); err == nil || !strings.Contains(err.Error(), "--public-url") {
			t.Errorf("--public-url %q: %v", bad, err)
		}
	}
}

// TestServeDemoSandboxWebhook: serve --demo without --providers makes the demo's GoCardless- and
// Stripe-family providers sandbox providers with a webhook secret of the run, printed with an
// example; a webhook signed with it is accepted, and the secret is not logged.
func TestServeDemoSandboxWebhook(t *testing.T) {
	t.Parallel()
	_, out, logs, stop, err := launchServe(t, []string{"--demo", "--database", "sqlite:" + filepath.Join(t.TempDir(), "d.db")}, noEnv)
	if err != nil {
		t.Fatalf("serve --demo: %v\n%s%s", err, out.String(), logs.String())
	}
	m := regexp.MustCompile(`Sandbox providers \(webhooks at (\S+)/v1/webhooks/\{id\}\): 1 \(GO_CARDLESS\), 2 \(STRIPE\)\nTheir webhook secret for this run: ([0-9a-f]{48})\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no sandbox providers in the demo's output:\n%s", out.String())
	}
	base, secret := m[1], m[2]
	body := `{"events":[{"id":"EV1","created_at":"2026-12-01T10:00:00Z","resource_type":"payments","action":"confirmed","links":{"payment":"PM1"}}]}`
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	req, _ := http.NewRequest("POST", base+"/v1/webhooks/1", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Webhook-Signature", hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Errorf("a webhook signed with the demo's secret: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("the log shows the demo's webhook secret")
	}
}
