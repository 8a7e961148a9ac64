package workflow

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/sdk"
)

// PruneClient is what pruning needs from the SDK.
type PruneClient interface {
	ExpireToken(ctx context.Context, user, id string) error
	DeleteToken(ctx context.Context, user, id string) error
}

// PruneResult is the outcome for one token.
type PruneResult struct {
	Token sdk.APIKeyWithOwner
	Err   error
}

// pruneWorkers bounds the requests in flight: thousands of tokens finish in
// seconds without one client hammering the deployment.
const pruneWorkers = 8

// Prune expires (or, with del, deletes) every token, each under its owner's
// ID so one run can clean up after everyone with --all. report is called
// once per token, from one goroutine at a time, as results arrive; a
// failure does not stop the others. Cancelling ctx stops starting new ones.
func Prune(ctx context.Context, client PruneClient, tokens []sdk.APIKeyWithOwner, del bool, report func(PruneResult)) {
	jobs := make(chan sdk.APIKeyWithOwner)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(pruneWorkers, len(tokens)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				owner := "me"
				if t.UserID != uuid.Nil {
					owner = t.UserID.String()
				}
				var err error
				if del {
					err = client.DeleteToken(ctx, owner, t.ID)
				} else {
					err = client.ExpireToken(ctx, owner, t.ID)
				}
				mu.Lock()
				report(PruneResult{Token: t, Err: err})
				mu.Unlock()
			}
		}()
	}
	for _, t := range tokens {
		select {
		case jobs <- t:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
}
