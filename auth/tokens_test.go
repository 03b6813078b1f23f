package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://id.example.test"
	testAudience = "elevatepay-api"
)

var (
	testSecret = []byte("0123456789abcdef0123456789abcdef") // 32 bytes
	testNow    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newTokens(t *testing.T, cfg Config) *Tokens {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	tk, err := NewTokens(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewTokens: %v", err)
	}
	return tk
}

// sign signs claims with method and key, adding kid when non-empty.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

// baseClaims are valid claims for a config with testIssuer and testAudience.
func baseClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub":              "api.billing",
		"contractOwnerIds": []int{7},
		"scope":            "payments:read",
		"iat":              testNow.Unix(),
		"exp":              testNow.Add(10 * time.Minute).Unix(),
		"iss":              testIssuer,
		"aud":              testAudience,
	}
}

// with returns a copy of c with the given changes; a nil value deletes.
func with(c jwt.MapClaims, kv ...any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

// wantInvalid asserts err is an ErrInvalidToken failure that does not echo token.
func wantInvalid(t *testing.T, token string, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("Verify succeeded, want error")
	}
	if !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("error %q does not wrap ErrInvalidToken", err)
	}
	t.Logf("rejected: %v", err)
	if token != "" && strings.Contains(err.Error(), token) {
		t.Fatalf("error echoes the token: %q", err)
	}
	for _, part := range strings.Split(token, ".") {
		if len(part) > 8 && strings.Contains(err.Error(), part) {
			t.Fatalf("error echoes a token segment: %q", err)
		}
	}
}

func pemPKIX(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("marshal public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func pemCert(t *testing.T, priv *ecdsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "idp"},
		NotBefore:    testNow.Add(-time.Hour),
		NotAfter:     testNow.Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
	rsaKey2 *rsa.PrivateKey
)

// rsaKeys returns two RSA 2048 keys generated once per test binary.
func rsaKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaKey2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey, rsaKey2
}

func ecKey(t *testing.T, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatalf("generate ECDSA key: %v", err)
	}
	return k
}

// payload decodes the claims segment of a token without verifying it.
func payload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d segments", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal payload: %v", err)
	}
	return m
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret, Issuer: testIssuer, Audience: testAudience})
	in := Principal{
		Subject:          "api.billing",
		ContractOwnerIDs: []int32{7, 3, 7, 2147483647},
		Admin:            true,
		Scopes:           []string{ScopeWrite, ScopeRead, ScopeWrite, ScopeAdmin, ScopeProviders},
	}
	token, err := tk.Issue(in, 0)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}

	m := payload(t, token)
	want := map[string]any{
		"sub":              "api.billing",
		"contractOwnerIds": []any{7.0, 3.0, 2147483647.0},
		"admin":            true,
		"scope":            "payments:write payments:read admin providers:write",
		"iat":              float64(testNow.Unix()),
		"exp":              float64(testNow.Add(15 * time.Minute).Unix()),
		"iss":              testIssuer,
		"aud":              testAudience,
	}
	if len(m) != len(want) {
		t.Errorf("claims %v, want exactly %v", m, want)
	}
	for k, v := range want {
		got, _ := json.Marshal(m[k])
		exp, _ := json.Marshal(v)
		if string(got) != string(exp) {
			t.Errorf("claim %s = %s, want %s", k, got, exp)
		}
	}

	got, err := tk.Verify(token)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got.Subject != in.Subject || !got.Admin ||
		!slices.Equal(got.ContractOwnerIDs, []int32{7, 3, 2147483647}) ||
		!slices.Equal(got.Scopes, []string{ScopeWrite, ScopeRead, ScopeAdmin, ScopeProviders}) {
		t.Fatalf("Verify = %+v", got)
	}
}

func TestIssueMinimalClaims(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret, TTL: time.Hour})
	token, err := tk.Issue(Principal{Subject: "svc"}, 0)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	m := payload(t, token)
	if ids, ok := m["contractOwnerIds"].([]any); !ok || len(ids) != 0 {
		t.Errorf("contractOwnerIds = %#v, want present and empty", m["contractOwnerIds"])
	}
	for _, k := range []string{"admin", "iss", "aud"} {
		if _, ok := m[k]; ok {
			t.Errorf("claim %s present, want absent", k)
		}
	}
	if m["scope"] != "" {
		t.Errorf("scope = %#v, want empty string", m["scope"])
	}
	if exp, iat := m["exp"].(float64), m["iat"].(float64); exp-iat != 3600 {
		t.Errorf("exp-iat = %v, want 3600 (cfg.TTL)", exp-iat)
	}
	p, err := tk.Verify(token)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if p.Subject != "svc" || p.Admin || len(p.ContractOwnerIDs) != 0 || len(p.Scopes) != 0 {
		t.Fatalf("Verify = %+v", p)
	}

	token, err = tk.Issue(Principal{Subject: "svc"}, 5*time.Minute)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	m = payload(t, token)
	if exp, iat := m["exp"].(float64), m["iat"].(float64); exp-iat != 300 {
		t.Errorf("exp-iat = %v, want 300", exp-iat)
	}
}

func TestIssueRejectsBadInput(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret})
	for name, tc := range map[string]struct {
		p   Principal
		ttl time.Duration
	}{
		"empty subject":  {Principal{}, 0},
		"zero owner":     {Principal{Subject: "a", ContractOwnerIDs: []int32{0}}, 0},
		"negative owner": {Principal{Subject: "a", ContractOwnerIDs: []int32{-3}}, 0},
		"unknown scope":  {Principal{Subject: "a", Scopes: []string{"payments:delete"}}, 0},
		"negative ttl":   {Principal{Subject: "a"}, -time.Minute},
		"sub-second ttl": {Principal{Subject: "a"}, time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tk.Issue(tc.p, tc.ttl); err == nil {
				t.Errorf("%s: Issue succeeded, want error", name)
			}
		})
	}

	rsaPriv, _ := rsaKeys(t)
	ext := newTokens(t, Config{PublicKeyPEMs: [][]byte{pemPKIX(t, &rsaPriv.PublicKey)}, Issuer: testIssuer, Audience: testAudience})
	if _, err := ext.Issue(Principal{Subject: "a"}, 0); err == nil {
		t.Error("Issue without a secret succeeded")
	}
}

func TestVerifyExpiry(t *testing.T) {
	clk := &clock{t: testNow}
	tk := newTokens(t, Config{Secret: testSecret, Now: clk.Now})
	token, err := tk.Issue(Principal{Subject: "a", Scopes: []string{ScopeRead}}, 0)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}

	clk.Set(testNow.Add(15*time.Minute - time.Second))
	if _, err := tk.Verify(token); err != nil {
		t.Fatalf("Verify one second before exp: %v", err)
	}

	clk.Set(testNow.Add(15 * time.Minute)) // exactly exp: no leeway
	_, err = tk.Verify(token)
	wantInvalid(t, token, err)
	if !errors.Is(err, ErrExpiredToken) {
		t.Fatalf("error %q does not wrap ErrExpiredToken", err)
	}

	// A token without exp is rejected, and is not "expired".
	clk.Set(testNow)
	noExp := sign(t, jwt.SigningMethodHS256, testSecret, "", jwt.MapClaims{"sub": "a", "iat": testNow.Unix()})
	_, err = tk.Verify(noExp)
	wantInvalid(t, noExp, err)
	if errors.Is(err, ErrExpiredToken) {
		t.Fatalf("missing exp reported as expired: %v", err)
	}
}

func TestVerifyTimeClaims(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret})
	claims := jwt.MapClaims{"sub": "a", "exp": testNow.Add(time.Hour).Unix()}

	ok := sign(t, jwt.SigningMethodHS256, testSecret, "", with(claims, "iat", testNow.Add(60*time.Second).Unix()))
	if _, err := tk.Verify(ok); err != nil {
		t.Fatalf("iat 60 s ahead: %v", err)
	}
	future := sign(t, jwt.SigningMethodHS256, testSecret, "", with(claims, "iat", testNow.Add(61*time.Second).Unix()))
	_, err := tk.Verify(future)
	wantInvalid(t, future, err)

	nbf := sign(t, jwt.SigningMethodHS256, testSecret, "", with(claims, "nbf", testNow.Add(time.Second).Unix()))
	_, err = tk.Verify(nbf)
	wantInvalid(t, nbf, err)

	strExp := sign(t, jwt.SigningMethodHS256, testSecret, "", with(claims, "exp", "tomorrow"))
	_, err = tk.Verify(strExp)
	wantInvalid(t, strExp, err)

	// Claim names are matched exactly: "EXP" is not exp.
	upper := sign(t, jwt.SigningMethodHS256, testSecret, "", jwt.MapClaims{"sub": "a", "EXP": testNow.Add(time.Hour).Unix()})
	_, err = tk.Verify(upper)
	wantInvalid(t, upper, err)
}

func TestVerifyRejectsTamperingAndWrongKeys(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret})
	token, err := tk.Issue(Principal{Subject: "a", ContractOwnerIDs: []int32{1}, Scopes: []string{ScopeRead}}, 0)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	parts := strings.Split(token, ".")

	// Flip a character in the middle of the signature.
	sig := []byte(parts[2])
	if sig[10] == 'A' {
		sig[10] = 'B'
	} else {
		sig[10] = 'A'
	}
	badSig := parts[0] + "." + parts[1] + "." + string(sig)

	// Swap in a payload granting admin, keeping the old signature.
	forged, _ := json.Marshal(map[string]any{"sub": "a", "admin": true, "scope": "admin", "exp": testNow.Add(time.Hour).Unix()})
	badPayload := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]

	otherSecret := sign(t, jwt.SigningMethodHS256, []byte("fedcba9876543210fedcba9876543210"), "", baseClaims())
	hs512 := sign(t, jwt.SigningMethodHS512, testSecret, "", jwt.MapClaims{"sub": "a", "exp": testNow.Add(time.Hour).Unix()})
	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", jwt.MapClaims{"sub": "a", "exp": testNow.Add(time.Hour).Unix()})
	noneUpper := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"NONE","typ":"JWT"}`)) + "." + strings.Split(none, ".")[1] + "."
	crit := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "a", "exp": testNow.Add(time.Hour).Unix()})
		tok.Header["crit"] = []string{"exp"}
		s, err := tok.SignedString(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()

	for name, tok := range map[string]string{
		"tampered signature": badSig,
		"tampered payload":   badPayload,
		"wrong secret":       otherSecret,
		"alg HS512":          hs512,
		"alg none":           none,
		"alg NONE":           noneUpper,
		"crit header":        crit,
		"empty":              "",
		"two segments":       parts[0] + "." + parts[1],
		"garbage":            "not.a.token",
		"too long":           strings.Repeat("a", maxTokenLen+1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tk.Verify(tok)
			wantInvalid(t, tok, err)
		})
	}
}

func TestVerifyHS256AgainstRSAOnlyConfig(t *testing.T) {
	rsaPriv, _ := rsaKeys(t)
	pubPEM := pemPKIX(t, &rsaPriv.PublicKey)
	tk := newTokens(t, Config{PublicKeyPEMs: [][]byte{pubPEM}, Issuer: testIssuer, Audience: testAudience})

	for name, key := range map[string][]byte{
		"some secret": testSecret,
		// Classic key confusion: HMAC keyed with the public key's PEM text.
		"public key as HMAC secret": pubPEM,
	} {
		t.Run(name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, key, "", baseClaims())
			_, err := tk.Verify(tok)
			wantInvalid(t, tok, err)
			if err != nil && !strings.Contains(err.Error(), "unsupported algorithm") {
				t.Errorf("%s: error %q, want unsupported algorithm", name, err)
			}
		})
	}

	// The same config does accept RS256.
	if _, err := tk.Verify(sign(t, jwt.SigningMethodRS256, rsaPriv, "", baseClaims())); err != nil {
		t.Fatalf("RS256: %v", err)
	}
}

func TestVerifyPEMKeys(t *testing.T) {
	rsaPriv, rsaOther := rsaKeys(t)
	ecPriv := ecKey(t, elliptic.P256())
	ecCertPriv := ecKey(t, elliptic.P256())
	ecOther := ecKey(t, elliptic.P256())
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaOther.PublicKey)})

	tk := newTokens(t, Config{
		PublicKeyPEMs: [][]byte{
			pemPKIX(t, &ecPriv.PublicKey),
			pemPKIX(t, &rsaPriv.PublicKey),
			pemCert(t, ecCertPriv),
		},
		Issuer:   testIssuer,
		Audience: testAudience,
	})

	claims := with(baseClaims(), "contractOwnerIds", []int{4, 5}, "scope", "payments:write providers:write")
	for name, tok := range map[string]string{
		"RS256":                 sign(t, jwt.SigningMethodRS256, rsaPriv, "", claims),
		"RS256 with kid":        sign(t, jwt.SigningMethodRS256, rsaPriv, "whatever", claims),
		"ES256":                 sign(t, jwt.SigningMethodES256, ecPriv, "", claims),
		"ES256 via certificate": sign(t, jwt.SigningMethodES256, ecCertPriv, "", claims),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := tk.Verify(tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if p.Subject != "api.billing" || !slices.Equal(p.ContractOwnerIDs, []int32{4, 5}) ||
				!slices.Equal(p.Scopes, []string{ScopeWrite, ScopeProviders}) || p.Admin {
				t.Fatalf("Verify = %+v", p)
			}
		})
	}

	for name, tok := range map[string]string{
		"RS256 unknown key": sign(t, jwt.SigningMethodRS256, rsaOther, "", claims),
		"ES256 unknown key": sign(t, jwt.SigningMethodES256, ecOther, "", claims),
		"RS384":             sign(t, jwt.SigningMethodRS384, rsaPriv, "", claims),
		"PS256":             sign(t, jwt.SigningMethodPS256, rsaPriv, "", claims),
		"ES384":             sign(t, jwt.SigningMethodES384, ecKey(t, elliptic.P384()), "", claims),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tk.Verify(tok)
			wantInvalid(t, tok, err)
		})
	}

	// A PKCS #1 block is accepted too.
	tk2 := newTokens(t, Config{PublicKeyPEMs: [][]byte{pkcs1}, Issuer: testIssuer, Audience: testAudience})
	if _, err := tk2.Verify(sign(t, jwt.SigningMethodRS256, rsaOther, "", claims)); err != nil {
		t.Fatalf("PKCS #1 key: %v", err)
	}
}

// jwk returns the public JWK of key.
func jwk(kid string, key any) map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	switch key := key.(type) {
	case *rsa.PublicKey:
		return map[string]string{
			"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()),
		}
	case *ecdsa.PublicKey:
		ecdh, err := key.ECDH()
		if err != nil {
			panic(err)
		}
		raw := ecdh.Bytes() // 0x04 || X || Y
		return map[string]string{
			"kty": "EC", "kid": kid, "alg": "ES256", "use": "sig", "crv": "P-256",
			"x": b64(raw[1:33]), "y": b64(raw[33:]),
		}
	}
	panic("unsupported key")
}

func TestVerifyJWKS(t *testing.T) {
	rsaPriv, rsaOther := rsaKeys(t)
	ecPriv := ecKey(t, elliptic.P256())
	set, err := json.Marshal(map[string]any{"keys": []any{
		jwk("rsa-1", &rsaPriv.PublicKey),
		jwk("ec-1", &ecPriv.PublicKey),
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(set)
	}))
	defer srv.Close()

	tk := newTokens(t, Config{JWKSURL: srv.URL + "/.well-known/jwks.json", Issuer: testIssuer, Audience: testAudience})

	claims := with(baseClaims(), "admin", true, "scope", "admin")
	p, err := tk.Verify(sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-1", claims))
	if err != nil {
		t.Fatalf("RS256 with kid: %v", err)
	}
	if p.Subject != "api.billing" || !p.Admin || !slices.Equal(p.Scopes, []string{ScopeAdmin}) {
		t.Fatalf("Verify = %+v", p)
	}
	if _, err := tk.Verify(sign(t, jwt.SigningMethodES256, ecPriv, "ec-1", claims)); err != nil {
		t.Fatalf("ES256 with kid: %v", err)
	}

	for name, tok := range map[string]string{
		"no kid":                sign(t, jwt.SigningMethodRS256, rsaPriv, "", claims),
		"unknown kid":           sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-2", claims),
		"kid of another key":    sign(t, jwt.SigningMethodRS256, rsaOther, "rsa-1", claims),
		"kid of an ES256 key":   sign(t, jwt.SigningMethodRS256, rsaPriv, "ec-1", claims),
		"HS256 without secret":  sign(t, jwt.SigningMethodHS256, testSecret, "rsa-1", claims),
		"wrong issuer via JWKS": sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-1", with(claims, "iss", "https://evil.test")),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tk.Verify(tok)
			wantInvalid(t, tok, err)
			if strings.Contains(err.Error(), "rsa-") || strings.Contains(err.Error(), "ec-1") {
				t.Fatalf("error echoes the kid: %q", err)
			}
		})
	}
}

func TestVerifyIssuerAudience(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret, Issuer: testIssuer, Audience: testAudience})
	for name, tc := range map[string]struct {
		claims jwt.MapClaims
		ok     bool
	}{
		"both match":          {baseClaims(), true},
		"audience in a list":  {with(baseClaims(), "aud", []string{"other", testAudience}), true},
		"wrong issuer":        {with(baseClaims(), "iss", "https://other.test"), false},
		"missing issuer":      {with(baseClaims(), "iss", nil), false},
		"wrong audience":      {with(baseClaims(), "aud", "other"), false},
		"audience list miss":  {with(baseClaims(), "aud", []string{"a", "b"}), false},
		"missing audience":    {with(baseClaims(), "aud", nil), false},
		"issuer not a string": {with(baseClaims(), "iss", 5), false},
	} {
		t.Run(name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, testSecret, "", tc.claims)
			_, err := tk.Verify(tok)
			if tc.ok {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantInvalid(t, tok, err)
		})
	}

	// Without Issuer/Audience configured, iss and aud are not checked.
	open := newTokens(t, Config{Secret: testSecret})
	if _, err := open.Verify(sign(t, jwt.SigningMethodHS256, testSecret, "", with(baseClaims(), "iss", "x", "aud", "y"))); err != nil {
		t.Fatalf("unconfigured iss/aud: %v", err)
	}
}

func TestVerifyClaimShapes(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret, Issuer: testIssuer, Audience: testAudience})
	verify := func(t *testing.T, c jwt.MapClaims) (Principal, string, error) {
		t.Helper()
		tok := sign(t, jwt.SigningMethodHS256, testSecret, "", c)
		p, err := tk.Verify(tok)
		return p, tok, err
	}

	bad := map[string]jwt.MapClaims{
		"missing sub":         with(baseClaims(), "sub", nil),
		"empty sub":           with(baseClaims(), "sub", ""),
		"numeric sub":         with(baseClaims(), "sub", 42),
		"owners as string":    with(baseClaims(), "contractOwnerIds", "7"),
		"owners as number":    with(baseClaims(), "contractOwnerIds", 7),
		"owners as object":    with(baseClaims(), "contractOwnerIds", map[string]int{"a": 1}),
		"owner as string":     with(baseClaims(), "contractOwnerIds", []any{"7"}),
		"owner fractional":    with(baseClaims(), "contractOwnerIds", []any{1.5}),
		"owner with exponent": with(baseClaims(), "contractOwnerIds", []any{json.Number("7e0")}),
		"owner zero":          with(baseClaims(), "contractOwnerIds", []any{0}),
		"owner negative":      with(baseClaims(), "contractOwnerIds", []any{-1}),
		"owner above int32":   with(baseClaims(), "contractOwnerIds", []any{int64(2147483648)}),
		"owner boolean":       with(baseClaims(), "contractOwnerIds", []any{true}),
		"owner null":          with(baseClaims(), "contractOwnerIds", []any{nil}),
		"owners null":         with(baseClaims(), "contractOwnerIds", json.RawMessage("null")),
		"admin as string":     with(baseClaims(), "admin", "true"),
		"admin as number":     with(baseClaims(), "admin", 1),
		"scope as array":      with(baseClaims(), "scope", []string{"payments:read"}),
		"scope as number":     with(baseClaims(), "scope", 1),
		"scope null":          with(baseClaims(), "scope", json.RawMessage("null")),
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			_, tok, err := verify(t, c)
			wantInvalid(t, tok, err)
		})
	}

	t.Run("owners absent", func(t *testing.T) {
		p, _, err := verify(t, with(baseClaims(), "contractOwnerIds", nil))
		if err != nil || len(p.ContractOwnerIDs) != 0 {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
	})
	t.Run("owners empty and max", func(t *testing.T) {
		p, _, err := verify(t, with(baseClaims(), "contractOwnerIds", []int64{}))
		if err != nil || len(p.ContractOwnerIDs) != 0 {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
		p, _, err = verify(t, with(baseClaims(), "contractOwnerIds", []int64{2147483647, 1, 1}))
		if err != nil || !slices.Equal(p.ContractOwnerIDs, []int32{2147483647, 1}) {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
	})
	t.Run("admin false", func(t *testing.T) {
		p, _, err := verify(t, with(baseClaims(), "admin", false))
		if err != nil || p.Admin {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
	})
	t.Run("unknown scopes dropped", func(t *testing.T) {
		p, _, err := verify(t, with(baseClaims(), "scope", "openid payments:read  bogus payments:read admin"))
		if err != nil || !slices.Equal(p.Scopes, []string{ScopeRead, ScopeAdmin}) {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
	})
	t.Run("scope absent", func(t *testing.T) {
		p, _, err := verify(t, with(baseClaims(), "scope", nil))
		if err != nil || len(p.Scopes) != 0 {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
	})
}

func TestNewTokensConfigErrors(t *testing.T) {
	rsaPriv, _ := rsaKeys(t)
	rsaPEM := pemPKIX(t, &rsaPriv.PublicKey)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384 := ecKey(t, elliptic.P384())
	privDER, err := x509.MarshalPKCS8PrivateKey(rsaPriv)
	if err != nil {
		t.Fatal(err)
	}
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})

	for name, cfg := range map[string]Config{
		"nothing":              {},
		"short secret":         {Secret: []byte("too short")},
		"PEM without issuer":   {PublicKeyPEMs: [][]byte{rsaPEM}, Audience: testAudience},
		"PEM without audience": {PublicKeyPEMs: [][]byte{rsaPEM}, Issuer: testIssuer},
		"JWKS without issuer":  {JWKSURL: "https://id.example.test/jwks", Audience: testAudience},
		"not PEM":              {PublicKeyPEMs: [][]byte{[]byte("hello")}, Issuer: testIssuer, Audience: testAudience},
		"private key PEM":      {PublicKeyPEMs: [][]byte{privPEM}, Issuer: testIssuer, Audience: testAudience},
		"RSA 1024":             {PublicKeyPEMs: [][]byte{pemPKIX(t, &small.PublicKey)}, Issuer: testIssuer, Audience: testAudience},
		"P-384":                {PublicKeyPEMs: [][]byte{pemPKIX(t, &p384.PublicKey)}, Issuer: testIssuer, Audience: testAudience},
		"plain http JWKS":      {JWKSURL: "http://id.example.test/jwks", Issuer: testIssuer, Audience: testAudience},
		"JWKS without host":    {JWKSURL: "https:///jwks", Issuer: testIssuer, Audience: testAudience},
		"JWKS ftp":             {JWKSURL: "ftp://id.example.test/jwks", Issuer: testIssuer, Audience: testAudience},
		"negative TTL":         {Secret: testSecret, TTL: -time.Minute},
		"sub-second TTL":       {Secret: testSecret, TTL: time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewTokens(t.Context(), cfg); err == nil {
				t.Errorf("%s: NewTokens succeeded, want error", name)
			}
		})
	}
}

func TestVerifyConcurrent(t *testing.T) {
	tk := newTokens(t, Config{Secret: testSecret})
	token, err := tk.Issue(Principal{Subject: "a", Scopes: []string{ScopeRead}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := tk.Verify(token); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
