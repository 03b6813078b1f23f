package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// minRSABits is the smallest RSA modulus accepted for RS256 verification.
const minRSABits = 2048

// publicKeys holds the public keys accepted for externally minted tokens.
type publicKeys struct {
	rsa []*rsa.PublicKey
	ec  []*ecdsa.PublicKey // P-256 only (ES256)
}

// parsePublicKeys reads every PEM input. Each input may hold several blocks
// of type "PUBLIC KEY" (PKIX), "RSA PUBLIC KEY" (PKCS #1) or "CERTIFICATE";
// any other block, or an input without a block, is an error.
func parsePublicKeys(inputs [][]byte) (publicKeys, error) {
	var keys publicKeys
	for i, data := range inputs {
		n := 0
		for {
			var block *pem.Block
			block, data = pem.Decode(data)
			if block == nil {
				break
			}
			n++
			key, err := parsePEMBlock(block)
			if err != nil {
				return publicKeys{}, fmt.Errorf("public key PEM %d, block %d: %w", i, n, err)
			}
			if err := keys.add(key); err != nil {
				return publicKeys{}, fmt.Errorf("public key PEM %d, block %d: %w", i, n, err)
			}
		}
		if n == 0 {
			return publicKeys{}, fmt.Errorf("public key PEM %d: no PEM block found", i)
		}
	}
	return keys, nil
}

// parsePEMBlock returns the public key inside one PEM block.
func parsePEMBlock(block *pem.Block) (any, error) {
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKIX public key: %w", err)
		}
		return key, nil
	case "RSA PUBLIC KEY":
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS #1 public key: %w", err)
		}
		return key, nil
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		return cert.PublicKey, nil
	default:
		return nil, fmt.Errorf("unsupported PEM block type %q (want PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)", block.Type)
	}
}

// add appends key when it is usable for RS256 or ES256.
func (k *publicKeys) add(key any) error {
	switch key := key.(type) {
	case *rsa.PublicKey:
		if err := checkRSAKey(key); err != nil {
			return err
		}
		k.rsa = append(k.rsa, key)
	case *ecdsa.PublicKey:
		if err := checkECKey(key); err != nil {
			return err
		}
		k.ec = append(k.ec, key)
	default:
		return fmt.Errorf("unsupported public key type %T (want RSA or ECDSA P-256)", key)
	}
	return nil
}

// checkRSAKey rejects RSA keys too small for RS256.
func checkRSAKey(key *rsa.PublicKey) error {
	if key.N == nil || key.N.BitLen() < minRSABits {
		return fmt.Errorf("RSA key smaller than %d bits", minRSABits)
	}
	return nil
}

// checkECKey rejects ECDSA keys that are not on P-256, the only curve of ES256.
func checkECKey(key *ecdsa.PublicKey) error {
	if key.Curve != elliptic.P256() {
		return errors.New("ECDSA key not on curve P-256 (ES256)")
	}
	return nil
}

// checkJWKSURL requires https, or plain http to a loopback host (local
// identity providers and tests).
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("parse JWKS URL: %w", err)
	}
	if u.Host == "" {
		return errors.New("JWKS URL has no host")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return errors.New("JWKS URL must use https unless the host is loopback")
	default:
		return fmt.Errorf("JWKS URL scheme %q not supported (want https)", u.Scheme)
	}
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.IsLoopback()
}
