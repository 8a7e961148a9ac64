// Package coderdtest is an in-memory stand-in for a Coder server (coderd) that answers the
// API-token contract of /work/shared/api/coder-token-api.md byte for byte where it matters:
// paths, status codes, JSON shapes and messages, per server generation, with injectable
// faults and a request log. It deliberately does not import the sdk package, so client
// mistakes are caught instead of mirrored.
package coderdtest

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Generation selects which release of coderd the server imitates.
type Generation string

const (
	// Current is the newest server (≈v2.38): everything in the contract.
	Current Generation = "current"
	// PreAliasFix (≈v2.37) is like Current, but "all"/"application_connect" inside
	// `scopes` fail key generation with a 500.
	PreAliasFix Generation = "pre-alias-fix"
	// PreExpire (≈v2.30) has no PUT …/expire route and ignores include_expired (expired
	// tokens are always listed); it also has the PreAliasFix behaviour.
	PreExpire Generation = "pre-expire"
	// PreScopes (≈v2.26) ignores `scopes` and `allow_list`, omits them from APIKey JSON,
	// has no GET /auth/scopes, honours only the legacy `scope`, uses the Go zero time as the
	// never-used sentinel, answers an unknown {user} with 400 and has no Bearer support;
	// plus everything PreExpire lacks.
	PreScopes Generation = "pre-scopes"
)

// Options configures a Server. Zero values select the documented defaults.
type Options struct {
	Generation        Generation    // default Current
	Version           string        // buildinfo version; default per generation
	OwnerMaxLifetime  time.Duration // default 168h (CODER_MAX_ADMIN_TOKEN_LIFETIME)
	MemberMaxLifetime time.Duration // default 876600h (CODER_MAX_TOKEN_LIFETIME)
	DefaultLifetime   time.Duration // default 168h (CODER_DEFAULT_TOKEN_LIFETIME)
	ScopeCatalog      []string      // override the public scope list (default: the shared snapshot)
	// ExtraScopes adds names to the public scope list, as a newer release does; their
	// resource types become allow-list types (see registerResourceTypes).
	ExtraScopes []string
	Now         func() time.Time // default time.Now; Advance() adds an offset on top
	// WithoutRoutes leaves out routes (patterns as RoutePatterns lists them), to imitate a
	// server or proxy that lacks an endpoint every generation has, e.g. authcheck.
	WithoutRoutes []string
	// ScopedParent makes a token minted with a scoped key inherit within that key, as
	// upstream's apikey.InheritWithinCaller: omitted scopes and allow list are the
	// caller's, wider ones are refused ("exceeds the creating API key"), and the expiry
	// is capped at the caller's.
	ScopedParent bool
}

// Server is the fake coderd. It implements http.Handler; Start/New also serve it on
// loopback. All methods are safe for concurrent use.
type Server struct {
	URL    string // base URL (no /api/v2), set by Start/New
	Owner  User   // seeded: username "admin", email "admin@coder.test", site role owner
	Member User   // seeded: username "member", email "member@coder.test", no site roles

	gen            Generation
	version        string
	ownerMax       time.Duration
	memberMax      time.Duration
	defaultLife    time.Duration
	publicScopes   []string
	acceptedScopes map[string]bool
	clock          func() time.Time
	clockOffset    atomic.Int64
	scopedParent   bool
	deploymentID   uuid.UUID
	mux            *http.ServeMux
	httpServer     *http.Server

	mu    sync.Mutex
	users []*userRecord
	keys  map[string]*keyRecord
	// tokenNames counts token-type keys per (user, name): the unique-name check
	// must not scan every key, or seeding 100k tokens takes minutes.
	tokenNames map[tokenNameKey]int
	faults     []*activeFault
	requests   []RecordedRequest
	objects    objects
}

const (
	defaultOwnerMax    = 168 * time.Hour
	defaultMemberMax   = 876600 * time.Hour
	defaultLifetime    = 168 * time.Hour
	loginSessionLife   = 24 * time.Hour
	seededSessionLife  = 87600 * time.Hour // seeded sessions outlive any Advance a test does
	seedPassword       = "SomeSecurePassword!"
	loginTypeToken     = "token"
	loginTypePassword  = "password"
	scopeAll           = "coder:all"
	scopeAppConnect    = "coder:application_connect"
	sessionCookieName  = "coder_session_token"
	buildVersionHeader = "X-Coder-Build-Version"
)

// prebuildsUserID is the fixed ID upstream gives its prebuilds system user.
var prebuildsUserID = uuid.MustParse("c42fdf75-3097-471c-8c33-fb52454d81c0")

var defaultVersions = map[Generation]string{
	Current:     "v2.38.0",
	PreAliasFix: "v2.37.2",
	PreExpire:   "v2.30.1",
	PreScopes:   "v2.26.0",
}

// NewServer builds a server that is not listening; use it as an http.Handler or call Start.
// It panics on an unknown Generation, which is a programming error in the caller.
func NewServer(opts Options) *Server {
	gen := opts.Generation
	if gen == "" {
		gen = Current
	}
	version, known := defaultVersions[gen]
	if !known {
		panic(fmt.Sprintf("coderdtest: unknown generation %q", gen))
	}
	if opts.Version != "" {
		version = opts.Version
	}
	s := &Server{
		gen:          gen,
		version:      version,
		ownerMax:     orDefault(opts.OwnerMaxLifetime, defaultOwnerMax),
		memberMax:    orDefault(opts.MemberMaxLifetime, defaultMemberMax),
		defaultLife:  orDefault(opts.DefaultLifetime, defaultLifetime),
		clock:        opts.Now,
		scopedParent: opts.ScopedParent,
		deploymentID: uuid.New(),
		keys:         map[string]*keyRecord{},
		tokenNames:   map[tokenNameKey]int{},
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.publicScopes = defaultPublicScopes()
	if opts.ScopeCatalog != nil {
		s.publicScopes = append([]string(nil), opts.ScopeCatalog...)
		sort.Strings(s.publicScopes)
	}
	if len(opts.ExtraScopes) > 0 {
		s.publicScopes = append(s.publicScopes, opts.ExtraScopes...)
		sort.Strings(s.publicScopes)
		registerResourceTypes(opts.ExtraScopes)
	}
	s.acceptedScopes = map[string]bool{}
	for _, name := range s.publicScopes {
		s.acceptedScopes[name] = true
	}
	for alias := range catalog.Aliases {
		s.acceptedScopes[alias] = true
	}

	s.seedDefaultOrganizationLocked() // before any user: every user joins it
	s.Owner = s.AddUser("admin", true)
	s.Member = s.AddUser("member", false)
	s.mu.Lock()
	s.users = append(s.users, &userRecord{
		User:      User{ID: prebuildsUserID, Username: "prebuilds", Email: "prebuilds@system"},
		system:    true,
		createdAt: s.now(),
	})
	s.mu.Unlock()

	s.mux = http.NewServeMux()
	for _, rt := range routeTable {
		if (rt.availableIn == nil || rt.availableIn(gen)) && !slices.Contains(opts.WithoutRoutes, rt.pattern) {
			s.mux.HandleFunc(rt.pattern, s.wrap(rt.pattern, s.withAuth(rt)))
		}
	}
	s.mux.HandleFunc("/", s.wrap("", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, response{Message: msgRouteNotFound})
	}))
	return s
}

func orDefault(d, fallback time.Duration) time.Duration {
	if d == 0 {
		return fallback
	}
	return d
}

// Start builds a server and serves it on 127.0.0.1 with a random port.
func Start(opts Options) (*Server, error) {
	s := NewServer(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.httpServer = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpServer.Serve(ln) }()
	return s, nil
}

// New is Start for tests: it fails the test on error and closes the server on cleanup.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("start fake coderd: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close stops serving and drops open connections; a no-op for a server that never started.
func (s *Server) Close() {
	if s.httpServer != nil {
		_ = s.httpServer.Close()
	}
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Advance moves the server clock forward by d.
func (s *Server) Advance(d time.Duration) {
	s.clockOffset.Add(int64(d))
}

// now is the server clock in UTC at the microsecond precision Postgres stores.
func (s *Server) now() time.Time {
	return s.clock().Add(time.Duration(s.clockOffset.Load())).UTC().Truncate(time.Microsecond)
}

// neverUsed is the last_used value of a fresh key: the Unix epoch on servers whose key
// generation sets it, the Go zero time on older ones.
func (s *Server) neverUsed() time.Time {
	if s.gen == PreScopes {
		return time.Time{}
	}
	return time.Unix(0, 0).UTC()
}
