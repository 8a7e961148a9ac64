package sdk

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkEachToken lists 10k tokens from a loopback server: the decoding
// `coder tokens ls` does per entry (ns/op is per listing).
func BenchmarkEachToken(b *testing.B) {
	const entries = 10_000
	srv := newTestServer(b, func(w http.ResponseWriter, _ *http.Request, _ int) { streamList(w, entries) })
	c := newTestClient(b, srv.URL)
	b.ReportAllocs()
	for b.Loop() {
		seen := 0
		err := c.EachToken(context.Background(), "me", TokensFilter{}, TokenSink{Add: func(APIKeyWithOwner) error { seen++; return nil }})
		if err != nil || seen != entries {
			b.Fatalf("saw %d entries, err %v", seen, err)
		}
	}
}
