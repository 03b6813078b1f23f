package httpapi

import "github.com/elevatepay/elevatepay/api"

// authenticate serves POST /v1/authenticate (spec §4.27: Create bearer token).
func (s *Server) authenticate(c *call) error {
	var req api.AuthenticateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	token, err := s.svc.Authenticate(c.ctx(), req.Brand, req.Username, req.Password)
	if err != nil {
		return err
	}
	writeJSON(c.w, 200, api.AuthenticateResponse{Token: token, Username: req.Username})
	return nil
}
