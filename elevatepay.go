// Package elevatepay holds the domain of the Elevate Payment and Refund API: one file per entity
// (currencies.go, customers.go, sites.go, invoices.go, invoice_payments.go, refunds.go,
// credits.go, ledger.go, balances.go, credit_status.go, providers.go, users.go), the typed
// vocabulary of the contract's enumerations (vocabulary.go) and the Error type (errors.go). It
// imports nothing of ours; every other package imports it.
//
// Amounts inside the service are int64 minor units of the currency concerned; Exp on a value is
// the currency's decimalPlaces. Decimal text exists only at the HTTP edge.
package elevatepay
