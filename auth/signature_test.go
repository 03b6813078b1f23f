package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifyBadSignatureIsDistinct: a well-formed token signed with another secret or an
// unknown key is reported as ErrBadSignature (the server's 401 then says the signature did not
// verify, e.g. minted against another database); malformed, expired and otherwise invalid
// tokens are not. Every failure still wraps ErrInvalidToken (one status, 401).
func TestVerifyBadSignatureIsDistinct(t *testing.T) {
	rsa1, rsa2 := rsaKeys(t)
	hs := newTokens(t, Config{Secret: testSecret})
	ext := newTokens(t, Config{PublicKeyPEMs: [][]byte{pemPKIX(t, &rsa1.PublicKey)}, Issuer: testIssuer, Audience: testAudience})
	otherSecret := []byte(strings.Repeat("z", 32))
	expired := with(baseClaims(), "iss", nil, "aud", nil, "exp", testNow.Add(-time.Minute).Unix(), "iat", testNow.Add(-time.Hour).Unix())
	valid := with(baseClaims(), "iss", nil, "aud", nil)

	// Change the first character of the signature (all of its bits are data bits, so the
	// segment stays canonical base64url and only the signature check can fail).
	tampered := sign(t, jwt.SigningMethodHS256, testSecret, "", valid)
	i := strings.LastIndexByte(tampered, '.') + 1
	flip := byte('A')
	if tampered[i] == 'A' {
		flip = 'B'
	}
	tampered = tampered[:i] + string(flip) + tampered[i+1:]

	cases := []struct {
		name    string
		tokens  *Tokens
		token   string
		badSig  bool
		expired bool
	}{
		{"HS256 signed with another secret", hs, sign(t, jwt.SigningMethodHS256, otherSecret, "", valid), true, false},
		{"HS256 with a tampered signature", hs, tampered, true, false},
		{"expired and signed with another secret", hs, sign(t, jwt.SigningMethodHS256, otherSecret, "", expired), true, false},
		{"RS256 signed with an unknown key", ext, sign(t, jwt.SigningMethodRS256, rsa2, "", baseClaims()), true, false},
		{"malformed: not a JWT", hs, "not-a-token", false, false},
		{"malformed: three garbage segments", hs, "abc.def.ghi", false, false},
		{"expired, right secret", hs, sign(t, jwt.SigningMethodHS256, testSecret, "", expired), false, true},
		{"unsupported algorithm", hs, sign(t, jwt.SigningMethodHS384, testSecret, "", valid), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.tokens.Verify(c.token)
			wantInvalid(t, c.token, err)
			if got := errors.Is(err, ErrBadSignature); got != c.badSig {
				t.Errorf("errors.Is(%q, ErrBadSignature) = %v, want %v", err, got, c.badSig)
			}
			if got := errors.Is(err, ErrExpiredToken); got != c.expired {
				t.Errorf("errors.Is(%q, ErrExpiredToken) = %v, want %v", err, got, c.expired)
			}
		})
	}
	// The right secret still verifies.
	if _, err := hs.Verify(sign(t, jwt.SigningMethodHS256, testSecret, "", valid)); err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}
}
