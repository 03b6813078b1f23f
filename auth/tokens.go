package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// DefaultTTL is the lifetime of issued tokens when Config.TTL is zero (spec
// §2.2.1: 15 minutes).
const DefaultTTL = 15 * time.Minute

// Limits applied by Verify.
const (
	// maxIssuedAtSkew is how far iat may lie in the future.
	maxIssuedAtSkew = 60 * time.Second
	// maxTokenLen bounds the work spent on one bearer token.
	maxTokenLen = 64 << 10
	// minSecretLen is the HS256 key size required by RFC 7518 §3.2.
	minSecretLen = 32
	// jwksLookupTimeout bounds a JWKS refresh triggered by an unknown kid.
	jwksLookupTimeout = 5 * time.Second
)

// ErrInvalidToken is wrapped by every error Verify returns, so that callers
// can answer 401 with errors.Is(err, ErrInvalidToken).
var ErrInvalidToken = errors.New("invalid token")

// ErrExpiredToken is wrapped by the error Verify returns for an expired
// token; it wraps ErrInvalidToken itself.
var ErrExpiredToken = fmt.Errorf("%w: expired", ErrInvalidToken)

// ErrBadSignature is wrapped by the error Verify returns when a token is well
// formed but its signature does not verify with any configured secret or key
// (typically: it was signed with another secret, e.g. minted against another
// database); it wraps ErrInvalidToken itself.
var ErrBadSignature = fmt.Errorf("%w: signature did not verify", ErrInvalidToken)

// Internal failure kinds raised inside the key function; Verify maps them to
// short messages.
var (
	errAlgorithm = errors.New("unsupported algorithm")
	errNoKey     = errors.New("no matching key")
	errCritical  = errors.New("unsupported critical header")
)

// invalid returns an error wrapping ErrInvalidToken with a short reason. The
// reason never contains token material.
func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}

// Config configures token signing and verification.
type Config struct {
	// Secret is the HS256 secret used to issue and verify tokens; at least
	// 32 bytes when set.
	Secret []byte
	// PublicKeyPEMs are optional RS256/ES256 public keys (PEM: PKIX, PKCS #1
	// or certificate) accepted for externally minted tokens. RSA keys need at
	// least 2048 bits, ECDSA keys must be on P-256.
	PublicKeyPEMs [][]byte
	// JWKSURL is an optional JWKS URL (https, or http on loopback) for
	// externally minted tokens; keys are picked by kid.
	JWKSURL string
	// Issuer is set as iss on issued tokens; when non-empty, incoming tokens
	// must carry it. Required when PublicKeyPEMs or JWKSURL is set (OP-7).
	Issuer string
	// Audience, when non-empty, must be in the aud of incoming tokens and is
	// set as aud on issued tokens. Required when PublicKeyPEMs or JWKSURL is
	// set (OP-7).
	Audience string
	// TTL is the lifetime of issued tokens; zero means DefaultTTL.
	TTL time.Duration
	// Now returns the current time; nil means time.Now. For tests.
	Now func() time.Time
}

// Tokens issues and verifies bearer tokens. It is safe for concurrent use;
// the zero value is not usable, create one with NewTokens.
type Tokens struct {
	secret   []byte
	keys     publicKeys
	jwks     keyfunc.Keyfunc // nil without a JWKS URL
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	parser   *jwt.Parser
	verified verifiedCache // tokens that verified, with their principals
}

// NewTokens validates cfg and returns a Tokens. It fails when neither a
// secret, nor public keys, nor a JWKS URL is configured, and when external
// keys are configured without both Issuer and Audience (OP-7: issuer and
// audience are always checked for external identity providers). With a JWKS
// URL it fetches the key set once (a failed first fetch is logged by keyfunc,
// not returned) and refreshes it in the background until ctx is done.
func NewTokens(ctx context.Context, cfg Config) (*Tokens, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	external := len(cfg.PublicKeyPEMs) > 0 || cfg.JWKSURL != ""
	switch {
	case len(cfg.Secret) == 0 && !external:
		return nil, errors.New("new tokens: no secret, public keys or JWKS URL configured")
	case len(cfg.Secret) > 0 && len(cfg.Secret) < minSecretLen:
		return nil, fmt.Errorf("new tokens: secret shorter than %d bytes", minSecretLen)
	case external && (cfg.Issuer == "" || cfg.Audience == ""):
		return nil, errors.New("new tokens: issuer and audience are required with public keys or a JWKS URL")
	case cfg.TTL < 0:
		return nil, errors.New("new tokens: negative TTL")
	case cfg.TTL > 0 && cfg.TTL < time.Second:
		return nil, errors.New("new tokens: TTL shorter than one second")
	}

	t := &Tokens{
		secret:   bytes.Clone(cfg.Secret),
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		ttl:      cfg.TTL,
		now:      cfg.Now,
	}
	if t.ttl == 0 {
		t.ttl = DefaultTTL
	}
	if t.now == nil {
		t.now = time.Now
	}

	keys, err := parsePublicKeys(cfg.PublicKeyPEMs)
	if err != nil {
		return nil, fmt.Errorf("new tokens: %w", err)
	}
	t.keys = keys

	if cfg.JWKSURL != "" {
		if err := checkJWKSURL(cfg.JWKSURL); err != nil {
			return nil, fmt.Errorf("new tokens: %w", err)
		}
		jwks, err := keyfunc.NewDefaultCtx(ctx, []string{cfg.JWKSURL})
		if err != nil {
			return nil, fmt.Errorf("new tokens: JWKS: %w", err)
		}
		t.jwks = jwks
	}

	opts := []jwt.ParserOption{
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(0),
		jwt.WithTimeFunc(t.now),
		jwt.WithStrictDecoding(),
	}
	if t.issuer != "" {
		opts = append(opts, jwt.WithIssuer(t.issuer))
	}
	if t.audience != "" {
		opts = append(opts, jwt.WithAudience(t.audience))
	}
	t.parser = jwt.NewParser(opts...)
	return t, nil
}

// Issue returns an HS256 token for p valid for ttl (zero means the configured
// TTL). It carries sub, contractOwnerIds (always, possibly empty), admin (only
// when true), scope (space-separated), iat, exp = iat + ttl, and iss/aud when
// configured. Duplicate contract owners and scopes are dropped.
func (t *Tokens) Issue(p Principal, ttl time.Duration) (string, error) {
	if len(t.secret) == 0 {
		return "", errors.New("issue token: no HS256 secret configured")
	}
	if p.Subject == "" {
		return "", errors.New("issue token: empty subject")
	}
	switch {
	case ttl == 0:
		ttl = t.ttl
	case ttl < time.Second:
		return "", errors.New("issue token: ttl must be at least one second")
	}
	ids := make([]int32, 0, len(p.ContractOwnerIDs))
	for _, id := range p.ContractOwnerIDs {
		if id < 1 {
			return "", fmt.Errorf("issue token: contract owner id %d out of range", id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	scopes, err := ParseScopes(strings.Join(p.Scopes, " "))
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}

	iat := t.now().Truncate(time.Second)
	claims := jwt.MapClaims{
		"sub":              p.Subject,
		"contractOwnerIds": ids,
		"scope":            strings.Join(scopes, " "),
		"iat":              iat.Unix(),
		"exp":              iat.Add(ttl).Unix(),
	}
	if p.Admin {
		claims["admin"] = true
	}
	if t.issuer != "" {
		claims["iss"] = t.issuer
	}
	if t.audience != "" {
		claims["aud"] = t.audience
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("issue token: sign: %w", err)
	}
	return signed, nil
}

// Verify checks token and returns its principal. Accepted algorithms are
// HS256 (with the secret) and RS256/ES256 (with a JWKS key chosen by kid, or
// else each configured PEM key); everything else, "none" included, is
// rejected. exp is required and enforced without leeway, nbf is enforced when
// present, iat may be at most 60 s in the future, iss and aud are checked
// when configured, sub must be non-empty, contractOwnerIds (when present)
// must be an array of integers 1..2147483647, admin (when present) a boolean
// and scope (when present) a string whose unknown names are dropped.
//
// Every error wraps ErrInvalidToken; an expired token's error also wraps
// ErrExpiredToken, and a well-formed token whose signature does not verify
// (or whose key is unknown) ErrBadSignature. Messages are short and never
// contain token material.
func (t *Tokens) Verify(token string) (Principal, error) {
	if token == "" {
		return Principal{}, invalid("empty")
	}
	if len(token) > maxTokenLen {
		return Principal{}, invalid("too long")
	}
	if p, ok := t.verified.get(token, t.now()); ok {
		return p, nil
	}
	var c tokenClaims
	if _, err := t.parser.ParseWithClaims(token, &c, t.key); err != nil {
		return Principal{}, mapParseError(err)
	}
	if c.IssuedAt != nil && c.IssuedAt.After(t.now().Add(maxIssuedAtSkew)) {
		return Principal{}, invalid("issued in the future")
	}
	if c.Subject == "" {
		return Principal{}, invalid("missing sub")
	}
	p := Principal{Subject: c.Subject}

	if raw, ok := c.raw["contractOwnerIds"]; ok {
		ids, err := parseContractOwnerIDs(raw)
		if err != nil {
			return Principal{}, invalid("bad contractOwnerIds")
		}
		p.ContractOwnerIDs = ids
	}
	if raw, ok := c.raw["admin"]; ok {
		switch string(bytes.TrimSpace(raw)) {
		case "true":
			p.Admin = true
		case "false":
		default:
			return Principal{}, invalid("bad admin")
		}
	}
	if raw, ok := c.raw["scope"]; ok {
		var s string
		if isNull(raw) || json.Unmarshal(raw, &s) != nil {
			return Principal{}, invalid("bad scope")
		}
		p.Scopes = knownScopes(s)
	}
	var nbf, exp time.Time
	if c.NotBefore != nil {
		nbf = c.NotBefore.Time
	}
	if c.ExpiresAt != nil {
		exp = c.ExpiresAt.Time
	}
	t.verified.put(token, p, nbf, exp)
	return p, nil
}

// key is the jwt.Keyfunc of Verify: it pins the accepted algorithms and
// returns the key or keys to try for the token's algorithm.
func (t *Tokens) key(tok *jwt.Token) (any, error) {
	if _, ok := tok.Header["crit"]; ok {
		return nil, errCritical
	}
	switch tok.Method {
	case jwt.SigningMethodHS256:
		if len(t.secret) == 0 {
			return nil, errAlgorithm
		}
		return t.secret, nil
	case jwt.SigningMethodRS256:
		if len(t.keys.rsa) == 0 && t.jwks == nil {
			return nil, errAlgorithm
		}
		var set jwt.VerificationKeySet
		if key, ok := t.jwksKey(tok).(*rsa.PublicKey); ok && checkRSAKey(key) == nil {
			set.Keys = append(set.Keys, key)
		} else {
			for _, key := range t.keys.rsa {
				set.Keys = append(set.Keys, key)
			}
		}
		if len(set.Keys) == 0 {
			return nil, errNoKey
		}
		return set, nil
	case jwt.SigningMethodES256:
		if len(t.keys.ec) == 0 && t.jwks == nil {
			return nil, errAlgorithm
		}
		var set jwt.VerificationKeySet
		if key, ok := t.jwksKey(tok).(*ecdsa.PublicKey); ok && checkECKey(key) == nil {
			set.Keys = append(set.Keys, key)
		} else {
			for _, key := range t.keys.ec {
				set.Keys = append(set.Keys, key)
			}
		}
		if len(set.Keys) == 0 {
			return nil, errNoKey
		}
		return set, nil
	default:
		return nil, errAlgorithm
	}
}

// jwksKey returns the JWKS key named by the token's kid, or nil when there is
// no JWKS, no string kid, or no such key (keyfunc also checks that the JWK's
// alg, when set, matches the token's).
func (t *Tokens) jwksKey(tok *jwt.Token) any {
	if t.jwks == nil {
		return nil
	}
	if _, ok := tok.Header["kid"].(string); !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), jwksLookupTimeout)
	defer cancel()
	key, err := t.jwks.KeyfuncCtx(ctx)(tok)
	if err != nil {
		return nil
	}
	return key
}

// mapParseError turns a jwt parse error into a short error wrapping
// ErrInvalidToken (and ErrExpiredToken for expiry). The jwt error itself is
// not wrapped because its text can quote header values.
func mapParseError(err error) error {
	switch {
	case errors.Is(err, errAlgorithm):
		return invalid("unsupported algorithm")
	case errors.Is(err, errCritical):
		return invalid("unsupported critical header")
	case errors.Is(err, errNoKey):
		return fmt.Errorf("%w: unknown signing key", ErrBadSignature)
	case errors.Is(err, jwt.ErrTokenMalformed):
		return invalid("malformed")
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return invalid("unsupported algorithm")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return ErrBadSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return ErrExpiredToken
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return invalid("missing required claim")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return invalid("not yet valid")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return invalid("wrong issuer")
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return invalid("wrong audience")
	case errors.Is(err, jwt.ErrInvalidType):
		return invalid("bad claim type")
	default:
		return invalid("rejected")
	}
}

// tokenClaims are the claims of an incoming token. Registered claims are
// decoded by exact name (encoding/json would also match "EXP" or "Sub");
// the remaining claims are kept raw and checked after the signature.
type tokenClaims struct {
	jwt.RegisteredClaims
	raw map[string]json.RawMessage
}

// UnmarshalJSON decodes the claims object by exact claim name.
func (c *tokenClaims) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("decode claims: %w", err)
	}
	if m == nil {
		return errors.New("decode claims: not an object")
	}
	c.raw = m
	fields := []struct {
		name string
		dst  any
	}{
		{"iss", &c.Issuer},
		{"sub", &c.Subject},
		{"aud", &c.Audience},
		{"exp", &c.ExpiresAt},
		{"nbf", &c.NotBefore},
		{"iat", &c.IssuedAt},
	}
	for _, f := range fields {
		raw, ok := m[f.name]
		if !ok {
			continue
		}
		if isNull(raw) {
			return fmt.Errorf("decode claims: %s is null", f.name)
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return fmt.Errorf("decode claims: %s: %w", f.name, err)
		}
	}
	return nil
}

// parseContractOwnerIDs decodes a JSON array of integers in 1..MaxInt32
// written in plain integer form, dropping duplicates.
func parseContractOwnerIDs(raw json.RawMessage) ([]int32, error) {
	if isNull(raw) {
		return nil, errors.New("contractOwnerIds is null")
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("contractOwnerIds: %w", err)
	}
	var ids []int32
	for _, e := range elems {
		n, err := strconv.ParseInt(string(bytes.TrimSpace(e)), 10, 64)
		if err != nil || n < 1 || n > math.MaxInt32 {
			return nil, errors.New("contractOwnerIds: element not an integer in 1..2147483647")
		}
		if !slices.Contains(ids, int32(n)) {
			ids = append(ids, int32(n))
		}
	}
	return ids, nil
}

// isNull reports whether raw is the JSON literal null.
func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}
