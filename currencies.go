package elevatepay

// Currency is a currency every amount of a customer is expressed in.
type Currency struct {
	ID                int64
	Name              string
	Code              string
	MajorCurrencyName string
	MinorCurrencyName string
	DecimalPlaces     int32
}
