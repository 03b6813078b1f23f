package money

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical text when err is nil
		err  error
	}{
		{in: "0", want: "0"},
		{in: "-0", want: "0"},
		{in: "0.0", want: "0"},
		{in: "-0.000", want: "0"},
		{in: "0e5", want: "0"},
		{in: "-0E-999999999999999999999", want: "0"},
		{in: "10", want: "10"},
		{in: "10.50", want: "10.5"},
		{in: "10.1", want: "10.1"},
		{in: "100.00", want: "100"},
		{in: "0.01", want: "0.01"},
		{in: "-3.2", want: "-3.2"},
		{in: "-3.20", want: "-3.2"},
		{in: "1e2", want: "100"},
		{in: "1E2", want: "100"},
		{in: "1e+2", want: "100"},
		{in: "1E-2", want: "0.01"},
		{in: "1.05e1", want: "10.5"},
		{in: "1050e-2", want: "10.5"},
		{in: "123456789.123456789", want: "123456789.123456789"},
		{in: "  42 \n", want: "42"},
		{in: "\t-7.5\r\n", want: "-7.5"},
		{in: "92233720368547758.07", want: "92233720368547758.07"},
		{in: "999999999999999999", want: "999999999999999999"},                // < 1e18
		{in: "0.000000000000000001", want: "0.000000000000000001"},            // = 1e-18
		{in: "1e-18", want: "0.000000000000000001"},                           // = 1e-18
		{in: "9.99e17", want: "999000000000000000"},                           // < 1e18
		{in: "1.000000000000000000000000000000000000000000000000", want: "1"}, // trailing zeros are not significant
		{in: "1234567890123456789.0123456789012345678e-10", want: "123456789.01234567890123456789012345678"},
		{in: "0.0000000000000000000000000000000000000000001e25", want: "0.000000000000000001"},

		// Not JSON numbers.
		{in: `"10.50"`, err: ErrNotNumber},
		{in: `"10"`, err: ErrNotNumber},
		{in: "true", err: ErrNotNumber},
		{in: "false", err: ErrNotNumber},
		{in: "null", err: ErrNotNumber},
		{in: "{}", err: ErrNotNumber},
		{in: `{"a":1}`, err: ErrNotNumber},
		{in: "[1]", err: ErrNotNumber},
		{in: "", err: ErrNotNumber},
		{in: "   ", err: ErrNotNumber},
		{in: "+1", err: ErrNotNumber},
		{in: "01", err: ErrNotNumber},
		{in: "-01", err: ErrNotNumber},
		{in: ".5", err: ErrNotNumber},
		{in: "5.", err: ErrNotNumber},
		{in: "1e", err: ErrNotNumber},
		{in: "1e+", err: ErrNotNumber},
		{in: "1.5.2", err: ErrNotNumber},
		{in: "1,5", err: ErrNotNumber},
		{in: "-", err: ErrNotNumber},
		{in: "--1", err: ErrNotNumber},
		{in: "NaN", err: ErrNotNumber},
		{in: "Infinity", err: ErrNotNumber},
		{in: "-Infinity", err: ErrNotNumber},
		{in: "0x10", err: ErrNotNumber},
		{in: "1_000", err: ErrNotNumber},
		{in: "1 2", err: ErrNotNumber},
		{in: "１", err: ErrNotNumber}, // full-width digit

		// Absurd inputs.
		{in: "1e18", err: ErrOutOfRange},
		{in: "-1e18", err: ErrOutOfRange},
		{in: "1000000000000000000", err: ErrOutOfRange},
		{in: "9223372036854775807", err: ErrOutOfRange},
		{in: "1e999999999", err: ErrOutOfRange},
		{in: "1e-999999999", err: ErrOutOfRange},
		{in: "1e99999999999999999999999999", err: ErrOutOfRange},
		{in: "-1E+0000000000000000000000000000000000000000000000019", err: ErrOutOfRange},
		{in: "9.99e-19", err: ErrOutOfRange},
		{in: "0.0000000000000000009", err: ErrOutOfRange},
		{in: "1.2345678901234567890123456789012345678901", err: ErrOutOfRange}, // 41 significant digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseJSON([]byte(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseJSON(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJSON(%q) error = %v", tt.in, err)
			}
			if s := got.String(); s != tt.want {
				t.Errorf("ParseJSON(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestParseJSONMaxDigits(t *testing.T) {
	forty := "1." + strings.Repeat("1", 39)
	if _, err := ParseJSON([]byte(forty)); err != nil {
		t.Errorf("40 significant digits: %v", err)
	}
	if _, err := ParseJSON([]byte(forty + "1")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("41 significant digits: err = %v, want ErrOutOfRange", err)
	}
	// Leading and trailing zeros do not count.
	padded := "0.00" + strings.Repeat("1", 40) + strings.Repeat("0", 100)
	if _, err := ParseJSON([]byte(padded)); err != nil {
		t.Errorf("padded 40 digits: %v", err)
	}
}

func TestParseJSONHugeInputIsFast(t *testing.T) {
	inputs := []string{
		"1e999999999",
		"1" + strings.Repeat("0", 1<<20),
		"0." + strings.Repeat("0", 1<<20) + "1",
		"1e" + strings.Repeat("9", 1<<20),
		strings.Repeat("7", 1<<20),
	}
	start := time.Now()
	for _, in := range inputs {
		if _, err := ParseJSON([]byte(in)); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("ParseJSON(%.20q...) error = %v, want ErrOutOfRange", in, err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("huge inputs took %v", d)
	}
}

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		d    Decimal
		want string
	}{
		{Decimal{}, "0"},
		{NewFromInt(0), "0"},
		{NewFromInt(100), "100"},
		{NewFromInt(-5), "-5"},
		{NewFromInt(math.MaxInt64), "9223372036854775807"},
		{NewFromInt(math.MinInt64), "-9223372036854775808"},
		{MustParse("10.10"), "10.1"},
		{MustParse("10.50"), "10.5"},
		{MustParse("100.00"), "100"},
		{MustParse("0.01"), "0.01"},
		{MustParse("-3.2"), "-3.2"},
		{MustParse("-0"), "0"},
		{MustParse("1e17"), "100000000000000000"},
		{MustParse("1e-18"), "0.000000000000000001"},
		{FromMinor(1010, 2), "10.1"},
		{FromMinor(-1, 2), "-0.01"},
		{FromMinor(0, 3), "0"},
	}
	for _, tt := range tests {
		b, err := tt.d.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		if string(b) != tt.want {
			t.Errorf("MarshalJSON = %s, want %s", b, tt.want)
		}
		if s := tt.d.String(); s != tt.want {
			t.Errorf("String = %s, want %s", s, tt.want)
		}
	}
}

func TestJSONIntegration(t *testing.T) {
	type body struct {
		Amount   Decimal  `json:"amountInMajorCurrency"`
		Optional *Decimal `json:"optional"`
	}
	var b body
	if err := json.Unmarshal([]byte(`{"amountInMajorCurrency": 1.05e1, "optional": null}`), &b); err != nil {
		t.Fatal(err)
	}
	if b.Amount.String() != "10.5" || b.Optional != nil {
		t.Errorf("got %v %v", b.Amount, b.Optional)
	}
	if err := json.Unmarshal([]byte(`{"amountInMajorCurrency": "10.50"}`), &b); !errors.Is(err, ErrNotNumber) {
		t.Errorf("string amount: err = %v, want ErrNotNumber", err)
	}
	if err := json.Unmarshal([]byte(`{"amountInMajorCurrency": null}`), &b); !errors.Is(err, ErrNotNumber) {
		t.Errorf("null amount: err = %v, want ErrNotNumber", err)
	}
	if err := json.Unmarshal([]byte(`{"amountInMajorCurrency": 1e999999999}`), &b); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("huge amount: err = %v, want ErrOutOfRange", err)
	}
	out, err := json.Marshal(body{Amount: FromMinor(1050, 2), Optional: new(MustParse("-0.10"))})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"amountInMajorCurrency":10.5,"optional":-0.1}`; string(out) != want {
		t.Errorf("Marshal = %s, want %s", out, want)
	}
	var d Decimal
	if err := d.UnmarshalJSON([]byte("100.00")); err != nil || d.String() != "100" {
		t.Errorf("UnmarshalJSON = %v, %v", d, err)
	}
}

func TestMinor(t *testing.T) {
	const gbp, jpy, bhd = 2, 0, 3
	tests := []struct {
		in   string
		exp  int32
		want int64
		err  error
	}{
		{in: "10.5", exp: gbp, want: 1050},
		{in: "10.50", exp: gbp, want: 1050},
		{in: "10.500000", exp: gbp, want: 1050},
		{in: "10.12", exp: gbp, want: 1012},
		{in: "10.1", exp: gbp, want: 1010},
		{in: "10", exp: gbp, want: 1000},
		{in: "0.01", exp: gbp, want: 1},
		{in: "0", exp: gbp, want: 0},
		{in: "-0", exp: gbp, want: 0},
		{in: "-0.0", exp: bhd, want: 0},
		{in: "1e2", exp: gbp, want: 10000},
		{in: "1E-2", exp: gbp, want: 1},
		{in: "1.05e1", exp: gbp, want: 1050},
		{in: "-20", exp: gbp, want: -2000},
		{in: "-100000", exp: gbp, want: -10000000},
		{in: "-0.01", exp: gbp, want: -1},
		{in: "10.123", exp: gbp, err: ErrTooPrecise},
		{in: "0.001", exp: gbp, err: ErrTooPrecise},
		{in: "1E-3", exp: gbp, err: ErrTooPrecise},
		{in: "1e-18", exp: gbp, err: ErrTooPrecise},
		{in: "1500", exp: jpy, want: 1500},
		{in: "1500.0", exp: jpy, want: 1500},
		{in: "1.5e3", exp: jpy, want: 1500},
		{in: "1500.5", exp: jpy, err: ErrTooPrecise},
		{in: "0.1", exp: jpy, err: ErrTooPrecise},
		{in: "10.123", exp: bhd, want: 10123},
		{in: "10.1230", exp: bhd, want: 10123},
		{in: "-0.001", exp: bhd, want: -1},
		{in: "10.1234", exp: bhd, err: ErrTooPrecise},
		{in: "92233720368547758.07", exp: gbp, want: math.MaxInt64},
		{in: "-92233720368547758.08", exp: gbp, want: math.MinInt64},
		{in: "92233720368547758.08", exp: gbp, err: ErrOutOfRange},
		{in: "-92233720368547758.09", exp: gbp, err: ErrOutOfRange},
		{in: "9223372036854775.807", exp: bhd, want: math.MaxInt64},
		{in: "9223372036854775.808", exp: bhd, err: ErrOutOfRange},
		{in: "999999999999999999", exp: gbp, err: ErrOutOfRange},
		{in: "999999999999999999", exp: jpy, want: 999999999999999999},
		{in: "100000000000000000", exp: bhd, err: ErrOutOfRange},
	}
	for _, tt := range tests {
		got, err := MustParse(tt.in).Minor(tt.exp)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s.Minor(%d) error = %v, want %v", tt.in, tt.exp, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s.Minor(%d) = %d, %v; want %d", tt.in, tt.exp, got, err, tt.want)
		}
	}
	if got, err := (Decimal{}).Minor(2); got != 0 || err != nil {
		t.Errorf("zero value Minor = %d, %v", got, err)
	}
}

func TestFromMinorAndFormat(t *testing.T) {
	tests := []struct {
		minor int64
		exp   int32
		want  string
	}{
		{1050, 2, "10.5"},
		{1000, 2, "10"},
		{1001, 2, "10.01"},
		{1, 2, "0.01"},
		{-1, 2, "-0.01"},
		{-320, 2, "-3.2"},
		{0, 2, "0"},
		{1500, 0, "1500"},
		{-1500, 0, "-1500"},
		{10123, 3, "10.123"},
		{10120, 3, "10.12"},
		{1, 3, "0.001"},
		{-1, 3, "-0.001"},
		{math.MaxInt64, 2, "92233720368547758.07"},
		{math.MinInt64, 2, "-92233720368547758.08"},
		{math.MaxInt64, 0, "9223372036854775807"},
		{math.MaxInt64, 3, "9223372036854775.807"},
		{10000000, 2, "100000"},
	}
	for _, tt := range tests {
		if got := Format(tt.minor, tt.exp); got != tt.want {
			t.Errorf("Format(%d, %d) = %s, want %s", tt.minor, tt.exp, got, tt.want)
		}
		if got := FromMinor(tt.minor, tt.exp).String(); got != tt.want {
			t.Errorf("FromMinor(%d, %d) = %s, want %s", tt.minor, tt.exp, got, tt.want)
		}
	}
}

func TestExpPanics(t *testing.T) {
	for _, exp := range []int32{-1, 19, math.MaxInt32} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("FromMinor(1, %d) did not panic", exp)
				}
			}()
			FromMinor(1, exp)
		}()
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Minor(%d) did not panic", exp)
				}
			}()
			_, _ = NewFromInt(1).Minor(exp)
		}()
	}
}

func TestCmpSignIsZero(t *testing.T) {
	tests := []struct {
		a, b string
		cmp  int
	}{
		{"80", "80.00", 0},
		{"80", "8e1", 0},
		{"0", "-0", 0},
		{"10.5", "10.49", 1},
		{"-1", "0.01", -1},
		{"-2", "-1", -1},
		{"0.000000000000000001", "0", 1},
	}
	for _, tt := range tests {
		if got := MustParse(tt.a).Cmp(MustParse(tt.b)); got != tt.cmp {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.cmp)
		}
	}
	if MustParse("-0.0").Cmp(Decimal{}) != 0 {
		t.Error("-0.0 should equal the zero value")
	}
	signs := map[string]int{"0": 0, "-0": 0, "0.00": 0, "5": 1, "0.01": 1, "-0.01": -1, "-7e3": -1}
	for s, want := range signs {
		t.Run(s, func(t *testing.T) {
			d := MustParse(s)
			if d.Sign() != want {
				t.Errorf("Sign(%s) = %d, want %d", s, d.Sign(), want)
			}
			if d.IsZero() != (want == 0) {
				t.Errorf("IsZero(%s) = %v", s, d.IsZero())
			}
		})
	}
	if !(Decimal{}).IsZero() || (Decimal{}).Sign() != 0 {
		t.Error("zero value is not zero")
	}
	if NewFromInt(-3).Cmp(MustParse("-3.0")) != 0 {
		t.Error("NewFromInt(-3) != -3.0")
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse of a string did not panic")
		}
	}()
	MustParse(`"1"`)
}

func TestRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		minor := rapid.Int64Range(-1e15, 1e15).Draw(t, "minor")
		exp := rapid.Int32Range(0, 3).Draw(t, "exp")
		b, err := FromMinor(minor, exp).MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		s := string(b)
		if strings.ContainsAny(s, "eE") {
			t.Fatalf("%q contains an exponent", s)
		}
		if s == "-0" || strings.HasPrefix(s, "-0") && !strings.HasPrefix(s, "-0.") {
			t.Fatalf("%q is a negative zero", s)
		}
		if strings.Contains(s, ".") && strings.HasSuffix(s, "0") {
			t.Fatalf("%q has a trailing zero after the point", s)
		}
		if strings.HasSuffix(s, ".") {
			t.Fatalf("%q ends with a point", s)
		}
		d, err := ParseJSON(b)
		if err != nil {
			t.Fatalf("ParseJSON(%s): %v", s, err)
		}
		got, err := d.Minor(exp)
		if err != nil || got != minor {
			t.Fatalf("round trip %d exp %d via %s = %d, %v", minor, exp, s, got, err)
		}
		if Format(minor, exp) != s {
			t.Fatalf("Format and MarshalJSON disagree: %s vs %s", Format(minor, exp), s)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	seeds := []string{
		"0", "-0", "0.0", "-0.0", "1", "-1", "10.50", "10.1", "100.00", "0.01", "-3.2",
		"1e2", "1E-2", "1.05e1", "1e+2", "10.123", "92233720368547758.07",
		"999999999999999999", "1e18", "1e-18", "9.99e-19", "1e999999999", "1e-999999999",
		"0e999999999", "1.2345678901234567890123456789012345678901",
		"1.234567890123456789012345678901234567890", "123456789012345678.9",
		`"10.50"`, "true", "false", "null", "{}", "[]", "", " ", "+1", "01", ".5", "5.",
		"1e", "1e+", "--1", "NaN", "1 2", " 7 ", "-", "0.000000000000000001",
		"12345678901234567e-35", "5E+17", "-5e17", "0.1e-17", "1e0000000000000000017",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseJSON(b)
		if err != nil {
			if !errors.Is(err, ErrNotNumber) && !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		if strings.ContainsAny(string(out), "eE") || string(out) == "-0" {
			t.Fatalf("bad output %q", out)
		}
		d2, err := ParseJSON(out)
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", out, b, err)
		}
		if d.Cmp(d2) != 0 {
			t.Fatalf("re-parse of %q gives %s, want %s", out, d2, d)
		}
		if out2, _ := d2.MarshalJSON(); string(out2) != string(out) {
			t.Fatalf("output not canonical: %q then %q", out, out2)
		}
	})
}
