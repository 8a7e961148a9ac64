package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
)

// BenchmarkResolveWithClosure resolves two named entries of different kinds and
// computes the workspace closure against a stand-in that delays every answer by one
// "round trip". Concurrent lookups and reusing the name's workspace lookup keep it at
// about one round trip per operation (round_trips/op), not one per name.
func BenchmarkResolveWithClosure(b *testing.B) {
	const roundTrip = 20 * time.Millisecond
	srv, err := coderdtest.Start(coderdtest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.SeedDemo()
	srv.AddFault(coderdtest.Fault{Delay: roundTrip})
	client := clientFor(b, srv, srv.Owner.SessionToken)
	entries := parse(b, "workspace:admin/dev", "template:docker")
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		resolved, err := Resolve(ctx, client, entries, ResolveOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Closure(ctx, client, resolved); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(roundTrip), "round_trips/op")
}
