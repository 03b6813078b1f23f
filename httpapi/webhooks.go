package httpapi

import "net/http"

// receivePaymentProviderWebhook serves POST /v1/webhooks/{payment_provider_id} (spec §4.41:
// Receive an event from a payment provider). No bearer token: the provider's signature over the
// raw body is verified by its adapter first (401 when it fails, nothing stored); the events are
// stored once each, with the jobs applying them, and acknowledged with 204.
func (s *Server) receivePaymentProviderWebhook(c *call) error {
	id, err := c.pathID32("payment_provider_id")
	if err != nil {
		return err
	}
	res, err := s.svc.ReceiveWebhook(c.ctx(), id, c.r.Header, c.body)
	if err != nil {
		return err
	}
	s.metrics.webhookEvents.WithLabelValues("stored").Add(float64(res.Stored))
	s.metrics.webhookEvents.WithLabelValues("repeated").Add(float64(res.Repeated))
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
