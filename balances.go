package elevatepay

// BalanceFigures are the sums behind CustomerOutstandingBalance.
type BalanceFigures struct {
	Balance                       int64
	TotalPayments                 int64
	TotalPaymentsSinceLastInvoice int64
	LiveSiteMethods               []PaymentMethod // payment methods of live sites, distinct
}
