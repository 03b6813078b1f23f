package auth

import (
	"slices"
	"strings"
	"testing"
)

func TestParseScopes(t *testing.T) {
	for in, want := range map[string][]string{
		"":                             nil,
		"   ":                          nil,
		"payments:read":                {ScopeRead},
		"payments:write payments:read": {ScopeWrite, ScopeRead},
		"admin  admin providers:write": {ScopeAdmin, ScopeProviders},
		"payments:read payments:write providers:write admin": {ScopeRead, ScopeWrite, ScopeProviders, ScopeAdmin},
	} {
		t.Run(in, func(t *testing.T) {
			got, err := ParseScopes(in)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("ParseScopes(%q) = %q, %v; want %q", in, got, err, want)
			}
		})
	}
	for _, in := range []string{"payments:read bogus", "Payments:Read", "payments:read,payments:write"} {
		_, err := ParseScopes(in)
		if err == nil {
			t.Errorf("ParseScopes(%q) succeeded, want error", in)
			continue
		}
		if !strings.Contains(err.Error(), "unknown scope") {
			t.Errorf("ParseScopes(%q) error %q does not name the unknown scope", in, err)
		}
	}
	if _, err := ParseScopes("payments:read bogus"); err == nil || !strings.Contains(err.Error(), `"bogus"`) {
		t.Errorf("error %v does not name \"bogus\"", err)
	}
}

func TestHasScope(t *testing.T) {
	reader := Principal{Scopes: []string{ScopeRead}}
	admin := Principal{Scopes: []string{ScopeAdmin}}
	claimOnly := Principal{Admin: true, Scopes: []string{ScopeRead}}
	all := []string{ScopeRead, ScopeWrite, ScopeProviders, ScopeAdmin}

	for _, s := range all {
		if !admin.HasScope(s) {
			t.Errorf("admin scope does not satisfy %q", s)
		}
		if got, want := reader.HasScope(s), s == ScopeRead; got != want {
			t.Errorf("reader.HasScope(%q) = %v, want %v", s, got, want)
		}
	}
	if claimOnly.HasScope(ScopeWrite) || claimOnly.HasScope(ScopeAdmin) {
		t.Error("the admin claim must not grant scopes")
	}
	if admin.HasScope("payments:delete") || admin.HasScope("") {
		t.Error("admin scope satisfied an unknown scope")
	}
	if (Principal{}).HasScope(ScopeRead) {
		t.Error("principal without scopes has payments:read")
	}
}

func TestContractOwnerVisibility(t *testing.T) {
	p := Principal{ContractOwnerIDs: []int32{3, 7}}
	if !p.SeesContractOwner(3) || !p.SeesContractOwner(7) || p.SeesContractOwner(4) {
		t.Error("SeesContractOwner membership wrong")
	}
	if !p.CoversAll([]int32{7, 3, 7}) || p.CoversAll([]int32{3, 4}) || !p.CoversAll(nil) {
		t.Error("CoversAll wrong")
	}
	admin := Principal{Admin: true}
	if !admin.SeesContractOwner(12345) || !admin.CoversAll([]int32{1, 2, 99}) {
		t.Error("admin claim must see every contract owner")
	}
	none := Principal{}
	if none.SeesContractOwner(1) || none.CoversAll([]int32{1}) {
		t.Error("principal without contract owners sees one")
	}
}
