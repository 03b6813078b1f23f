package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

const issueExample = `providers:
  "1": {sandbox: {webhookSecret: "env:SANDBOX_SECRET"}}
  "2": {gocardless: {accessToken: "env:GOCARDLESS_ACCESS_TOKEN", webhookSecret: "env:GOCARDLESS_WEBHOOK_SECRET", baseURL: "https://api-sandbox.gocardless.com"}}
  "3": {stripe: {secretKey: "env:STRIPE_SECRET_KEY", webhookSecret: "env:STRIPE_WEBHOOK_SECRET"}}
`

var exampleEnv = env(map[string]string{
	"SANDBOX_SECRET": "sandbox-secret-0123456789", "GOCARDLESS_ACCESS_TOKEN": "gc-token", "GOCARDLESS_WEBHOOK_SECRET": "gc-webhook-0123456789",
	"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_0123456789abcdef",
})

// TestParseExample: the README's example reads as written, secrets from the environment.
func TestParseExample(t *testing.T) {
	c, err := Parse([]byte(issueExample), exampleEnv)
	if err != nil {
		t.Fatal(err)
	}
	if ids := c.IDs(); fmt.Sprint(ids) != "[1 2 3]" {
		t.Fatalf("ids %v", ids)
	}
	sb, _ := c.For(1)
	gc, _ := c.For(2)
	st, _ := c.For(3)
	if sb.Kind != KindSandbox || sb.WebhookSecret.Reveal() != "sandbox-secret-0123456789" {
		t.Errorf("sandbox %+v", sb)
	}
	if gc.Kind != KindGoCardless || gc.AccessToken.Reveal() != "gc-token" || gc.BaseURL != "https://api-sandbox.gocardless.com" {
		t.Errorf("gocardless %+v", gc)
	}
	if st.Kind != KindStripe || st.SecretKey.Reveal() != "sk_test_123" || st.WebhookSecret.Reveal() != "whsec_0123456789abcdef" {
		t.Errorf("stripe %+v", st)
	}
	if _, ok := c.For(4); ok {
		t.Error("provider 4 is configured")
	}
	// GoCardless and Stripe are not built yet: serve refuses them, naming each.
	err = c.Unavailable()
	if err == nil || !strings.Contains(err.Error(), "payment provider 2: the gocardless adapter is not available yet") ||
		!strings.Contains(err.Error(), "payment provider 3: the stripe adapter is not available yet") || strings.Contains(err.Error(), "provider 1") {
		t.Errorf("Unavailable: %v", err)
	}
	sandboxOnly, _ := Parse([]byte(`providers: {"1": {sandbox: {webhookSecret: "env:SANDBOX_SECRET"}}}`), exampleEnv)
	if err := sandboxOnly.Unavailable(); err != nil {
		t.Errorf("a sandbox-only configuration: %v", err)
	}
}

// TestSecretsNeverPrint: a secret prints as [redacted] through every path a configuration or an
// error could take to a log or a response.
func TestSecretsNeverPrint(t *testing.T) {
	c, err := Parse([]byte(issueExample), exampleEnv)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	slog.New(slog.NewJSONHandler(&out, nil)).Info("config", "providers", c.Providers, "one", c.Providers[2].AccessToken)
	slog.New(slog.NewTextHandler(&out, nil)).Info("config", "secret", c.Providers[3].SecretKey)
	j, _ := json.Marshal(c)
	out.Write(j)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", c.Providers[1].WebhookSecret)
	}
	for _, v := range []string{"sandbox-secret-0123456789", "gc-token", "gc-webhook-0123456789", "sk_test_123", "whsec_0123456789abcdef"} {
		if strings.Contains(out.String(), v) {
			t.Errorf("secret %q printed:\n%s", v, out.String())
		}
	}
	if !strings.Contains(out.String(), "[redacted]") {
		t.Error("no [redacted] in the output")
	}
}

// TestParseRefuses: every mistake is an error naming the provider and the field, never a
// secret's value.
func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{`providers: {"1": {sandbox: {webhookSecret: "env:MISSING"}}}`, "payment provider 1: webhookSecret: the environment variable MISSING is not set"},
		{`providers: {"1": {sandbox: {webhookSecret: "env:"}}}`, "env: names no environment variable"},
		{`providers: {"1": {sandbox: {webhookSecret: "env:SHORT"}}}`, "SHORT holds 5 characters, at least 16"},
		{`providers: {"1": {sandbox: {webhookSecret: "tooshort"}}}`, "webhookSecret: 8 characters"},
		{`providers: {"1": {sandbox: {}}}`, "webhookSecret is required"},
		{`providers: {"1": {}}`, "exactly one of sandbox, gocardless or stripe"},
		{`providers: {"1": {sandbox: {webhookSecret: "env:SANDBOX_SECRET"}, stripe: {secretKey: k, webhookSecret: "env:SANDBOX_SECRET"}}}`, "exactly one of"},
		{`providers: {"0": {sandbox: {webhookSecret: "env:SANDBOX_SECRET"}}}`, `"0" is not a payment provider id`},
		{`providers: {"01": {sandbox: {webhookSecret: "env:SANDBOX_SECRET"}}}`, `"01" is not a payment provider id`},
		{`providers: {"x": {sandbox: {webhookSecret: "env:SANDBOX_SECRET"}}}`, `"x" is not a payment provider id`},
		{`providers: {"1": {sandbox: {webhookSecret: "env:SANDBOX_SECRET", confirmAfter: 1s}}}`, "field confirmAfter not found"},
		{`provider: {}`, "field provider not found"},
		{`providers: {"2": {gocardless: {accessToken: t, webhookSecret: "env:SANDBOX_SECRET", baseURL: "http://api.gocardless.com"}}}`, "must be https://"},
		{"providers: {}\n---\nproviders: {}\n", "more than one YAML document"},
		{`providers: [1, 2]`, "cannot unmarshal"},
	} {
		_, err := Parse([]byte(tc.yaml), env(map[string]string{"SANDBOX_SECRET": "sandbox-secret-0123456789", "SHORT": "abcde"}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error containing %q", tc.yaml, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "sandbox-secret-0123456789") {
			t.Errorf("%s: the error shows a secret: %v", tc.yaml, err)
		}
	}
}

// TestLoad: a file, an empty file, a missing one, and one too large to be a configuration.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if c, err := Load(write("ok.yaml", []byte(issueExample)), exampleEnv); err != nil || len(c.Providers) != 3 {
		t.Errorf("ok.yaml: %v %v", c, err)
	}
	if c, err := Load(write("empty.yaml", nil), exampleEnv); err != nil || len(c.Providers) != 0 {
		t.Errorf("empty.yaml: %v %v", c, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), exampleEnv); err == nil {
		t.Error("a missing file loaded")
	}
	if _, err := Load(write("big.yaml", bytes.Repeat([]byte("#"), maxConfig+1)), exampleEnv); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big.yaml: %v", err)
	}
}

// TestSandboxSettings: a sandbox provider made without a file takes its secret as written, with
// the file's length rule.
func TestSandboxSettings(t *testing.T) {
	s, err := SandboxSettings("sandbox-secret-0123456789")
	if err != nil || s.Kind != KindSandbox || s.WebhookSecret.Reveal() != "sandbox-secret-0123456789" {
		t.Errorf("%+v %v", s, err)
	}
	if _, err := SandboxSettings("short"); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("a short secret: %v", err)
	}
}
