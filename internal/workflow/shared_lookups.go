package workflow

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/sdk"
)

// sharedLookups answers each workspace lookup once for the life of one mint:
// the missing-dependencies warning and the verification run side by side
// after the POST, and for a workspace given by UUID both need the same
// workspace. Callers asking at the same time wait for the one request.
type sharedLookups struct {
	Lookups

	mu         sync.Mutex
	workspaces map[uuid.UUID]*workspaceAnswer
}

type workspaceAnswer struct {
	once sync.Once
	ws   sdk.Workspace
	err  error
}

func shareLookups(api Lookups) *sharedLookups {
	return &sharedLookups{Lookups: api, workspaces: map[uuid.UUID]*workspaceAnswer{}}
}

func (s *sharedLookups) Workspace(ctx context.Context, id uuid.UUID) (sdk.Workspace, error) {
	s.mu.Lock()
	a, ok := s.workspaces[id]
	if !ok {
		a = &workspaceAnswer{}
		s.workspaces[id] = a
	}
	s.mu.Unlock()
	a.once.Do(func() { a.ws, a.err = s.Lookups.Workspace(ctx, id) })
	return a.ws, a.err
}
