package coderdtest

import "time"

// Now is the server's clock (Options.Now plus every Advance), for tests that
// judge expiry the way the server does.
func (s *Server) Now() time.Time { return s.now() }
