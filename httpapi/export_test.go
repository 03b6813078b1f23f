package httpapi

// SetCrashHook installs f at the crash points of keyed requests (see crashPoint); nil removes it.
func SetCrashHook(f func(point string)) {
	if f == nil {
		testHook.Store(nil)
		return
	}
	testHook.Store(&f)
}

// SetMaxStoredResponse changes the bound of stored responses until the test ends.
func SetMaxStoredResponse(t interface{ Cleanup(func()) }, n int) {
	old := maxStoredResponse
	maxStoredResponse = n
	t.Cleanup(func() { maxStoredResponse = old })
}

// LargeBodiesPeak is the most large bodies the server ever processed at once.
func (s *Server) LargeBodiesPeak() int { return int(s.large.peak.Load()) }
