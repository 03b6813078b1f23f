// Package provider is where elevatepay meets payment providers. This file holds their server
// configuration (spec §6.4.3): credentials and the sandbox switch, keyed by payment provider
// id, read from a YAML file and never part of the API, the logs or the database.
package provider

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Secret is a credential from the configuration. It prints as "[redacted]" in every format
// (fmt, JSON, YAML, slog), so a configuration or an error holding one cannot leak it; Reveal
// gives it to the adapter that sends it.
type Secret struct{ v string }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return s.v }

// Set reports whether the secret is non-empty.
func (s Secret) Set() bool { return s.v != "" }

func (s Secret) String() string                { return "[redacted]" }
func (s Secret) GoString() string              { return "provider.Secret([redacted])" }
func (s Secret) MarshalJSON() ([]byte, error)  { return []byte(`"[redacted]"`), nil }
func (s Secret) MarshalYAML() (any, error)     { return "[redacted]", nil }
func (s Secret) MarshalText() ([]byte, error)  { return []byte("[redacted]"), nil }
func (s Secret) Format(f fmt.State, verb rune) { io.WriteString(f, "[redacted]") }
func (s Secret) LogValue() slog.Value          { return slog.StringValue("[redacted]") }

// Kind names an adapter.
type Kind string

// The adapters a provider can be configured with.
const (
	KindSandbox    Kind = "sandbox"
	KindGoCardless Kind = "gocardless"
	KindStripe     Kind = "stripe"
)

// Available reports whether this version has the adapter.
func (k Kind) Available() bool { return k == KindSandbox }

// Settings is the configuration of one payment provider: exactly one adapter's section.
type Settings struct {
	Kind          Kind
	WebhookSecret Secret // every adapter verifies its webhooks with it
	AccessToken   Secret // GoCardless
	SecretKey     Secret // Stripe
	BaseURL       string // GoCardless, Stripe: the provider's API; "" for its default
}

// Config is the provider configuration of a server.
type Config struct {
	Providers map[int64]Settings
}

// For returns the settings of payment provider id, if it is configured.
func (c *Config) For(id int64) (Settings, bool) {
	if c == nil {
		return Settings{}, false
	}
	s, ok := c.Providers[id]
	return s, ok
}

// IDs returns the configured provider ids in order.
func (c *Config) IDs() []int64 {
	if c == nil {
		return nil
	}
	ids := make([]int64, 0, len(c.Providers))
	for id := range c.Providers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Unavailable returns an error naming every configured provider whose adapter this version does
// not have (GoCardless and Stripe until they are built); nil when there is none.
func (c *Config) Unavailable() error {
	var errs []error
	for _, id := range c.IDs() {
		if k := c.Providers[id].Kind; !k.Available() {
			errs = append(errs, fmt.Errorf("payment provider %d: the %s adapter is not available yet in this version (only sandbox is); remove its section or configure it as sandbox", id, k))
		}
	}
	return errors.Join(errs...)
}

// maxConfig bounds the configuration file.
const maxConfig = 1 << 20

// minWebhookSecret is the shortest webhook secret accepted: it signs and verifies every event.
const minWebhookSecret = 16

// file is the YAML layout, decoded strictly (an unknown key is an error, not ignored).
type file struct {
	Providers map[string]section `yaml:"providers"`
}

type section struct {
	Sandbox    *sandboxSection    `yaml:"sandbox"`
	GoCardless *goCardlessSection `yaml:"gocardless"`
	Stripe     *stripeSection     `yaml:"stripe"`
}

type sandboxSection struct {
	WebhookSecret string `yaml:"webhookSecret"`
}

type goCardlessSection struct {
	AccessToken   string `yaml:"accessToken"`
	WebhookSecret string `yaml:"webhookSecret"`
	BaseURL       string `yaml:"baseURL"`
}

type stripeSection struct {
	SecretKey     string `yaml:"secretKey"`
	WebhookSecret string `yaml:"webhookSecret"`
	BaseURL       string `yaml:"baseURL"`
}

// Load reads the provider configuration file at path; getenv resolves "env:NAME" values.
func Load(path string, getenv func(string) string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("provider configuration: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfig+1))
	if err != nil {
		return nil, fmt.Errorf("provider configuration %s: %w", path, err)
	}
	if len(b) > maxConfig {
		return nil, fmt.Errorf("provider configuration %s: larger than %d bytes", path, maxConfig)
	}
	c, err := Parse(b, getenv)
	if err != nil {
		return nil, fmt.Errorf("provider configuration %s: %w", path, err)
	}
	return c, nil
}

// Parse reads a provider configuration; getenv resolves "env:NAME" values.
func Parse(b []byte, getenv func(string) string) (*Config, error) {
	var raw file
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return &Config{Providers: map[int64]Settings{}}, nil // an empty file: no provider configured
		}
		return nil, err
	}
	if err := dec.Decode(new(file)); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document")
	}
	c := &Config{Providers: map[int64]Settings{}}
	var errs []error
	for key, sec := range raw.Providers {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id < 1 || strconv.FormatInt(id, 10) != key {
			errs = append(errs, fmt.Errorf("providers: %q is not a payment provider id (a positive whole number)", key))
			continue
		}
		s, err := sec.settings(getenv)
		if err != nil {
			errs = append(errs, fmt.Errorf("payment provider %d: %w", id, err))
			continue
		}
		c.Providers[id] = s
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func (sec section) settings(getenv func(string) string) (Settings, error) {
	n := 0
	for _, set := range []bool{sec.Sandbox != nil, sec.GoCardless != nil, sec.Stripe != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return Settings{}, errors.New("give exactly one of sandbox, gocardless or stripe")
	}
	var s Settings
	var err error
	secret := func(field, v string, min int) Secret {
		if err != nil {
			return Secret{}
		}
		var sv Secret
		sv, err = resolve(field, v, getenv, min)
		return sv
	}
	switch {
	case sec.Sandbox != nil:
		s.Kind = KindSandbox
		s.WebhookSecret = secret("webhookSecret", sec.Sandbox.WebhookSecret, minWebhookSecret)
	case sec.GoCardless != nil:
		s.Kind = KindGoCardless
		s.AccessToken = secret("accessToken", sec.GoCardless.AccessToken, 1)
		s.WebhookSecret = secret("webhookSecret", sec.GoCardless.WebhookSecret, minWebhookSecret)
		s.BaseURL = sec.GoCardless.BaseURL
	case sec.Stripe != nil:
		s.Kind = KindStripe
		s.SecretKey = secret("secretKey", sec.Stripe.SecretKey, 1)
		s.WebhookSecret = secret("webhookSecret", sec.Stripe.WebhookSecret, minWebhookSecret)
		s.BaseURL = sec.Stripe.BaseURL
	}
	if err != nil {
		return Settings{}, err
	}
	if s.BaseURL != "" && !strings.HasPrefix(s.BaseURL, "https://") && !strings.HasPrefix(s.BaseURL, "http://127.0.0.1") && !strings.HasPrefix(s.BaseURL, "http://localhost") {
		return Settings{}, fmt.Errorf("%s: baseURL %q must be https:// (or http:// on the loopback, for a fake provider in tests)", s.Kind, s.BaseURL)
	}
	return s, nil
}

// resolve reads a secret value: "env:NAME" from the environment (set and non-empty), anything
// else as written. Errors name the field and the variable, never a value.
func resolve(field, v string, getenv func(string) string, min int) (Secret, error) {
	if name, ok := strings.CutPrefix(v, "env:"); ok {
		if name == "" {
			return Secret{}, fmt.Errorf("%s: env: names no environment variable", field)
		}
		v = getenv(name)
		if v == "" {
			return Secret{}, fmt.Errorf("%s: the environment variable %s is not set", field, name)
		}
		if len(v) < min {
			return Secret{}, fmt.Errorf("%s: the environment variable %s holds %d characters, at least %d are needed", field, name, len(v), min)
		}
		return Secret{v}, nil
	}
	return literal(field, v, min)
}

// literal is a secret value as written: required, at least min characters.
func literal(field, v string, min int) (Secret, error) {
	if v == "" {
		return Secret{}, fmt.Errorf("%s is required (give env:NAME to read it from the environment)", field)
	}
	if len(v) < min {
		return Secret{}, fmt.Errorf("%s: %d characters, at least %d are needed", field, len(v), min)
	}
	return Secret{v}, nil
}

// SandboxSettings are the settings of a sandbox provider with webhookSecret as written (at least
// 16 characters), for a server that makes one without a file (serve --demo) and for tests.
func SandboxSettings(webhookSecret string) (Settings, error) {
	sec, err := literal("webhookSecret", webhookSecret, minWebhookSecret)
	if err != nil {
		return Settings{}, err
	}
	return Settings{Kind: KindSandbox, WebhookSecret: sec}, nil
}
