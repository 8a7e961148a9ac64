// Package coderdtest is an in-memory stand-in for a Coder server (coderd) that answers the
// API-token contract of /work/shared/api/coder-token-api.md byte for byte where it matters:
// paths, status codes, JSON shapes and messages, per server generation, with injectable
// faults and a request log. It deliberately does not import the sdk package, so client
// mistakes are caught instead of mirrored.
package coderdtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
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

// User is a seeded account. SessionToken is a valid session key (login_type "password",
// not listed by the tokens list endpoint).
type User struct {
	ID           uuid.UUID
	Username     string
	Email        string
	Password     string
	Owner        bool
	SessionToken string
}

// StoredToken is the server-side record of a key, for assertions.
type StoredToken struct {
	ID              string
	UserID          uuid.UUID
	Name            string
	Scopes          []string
	AllowList       []string
	ExpiresAt       time.Time
	CreatedAt       time.Time
	LastUsed        time.Time
	LoginType       string
	LifetimeSeconds int64
}

// RecordedRequest is one request as the server received it.
type RecordedRequest struct {
	Method   string
	Path     string
	RawQuery string
	Route    string // the matched route pattern; "" when no route matched
	Header   http.Header
	Body     []byte
	// At is when the request arrived (wall clock, not the server clock), and
	// RemoteAddr the client's address: together they show which requests
	// overlapped and which reused a connection.
	At         time.Time
	RemoteAddr string
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

type userRecord struct {
	User
	system     bool
	createdAt  time.Time
	lastSeenAt time.Time
}

type keyRecord struct {
	id              string
	hashedSecret    [32]byte
	userID          uuid.UUID
	name            string
	scopes          []string
	allowList       []string
	expiresAt       time.Time
	createdAt       time.Time
	updatedAt       time.Time
	lastUsed        time.Time
	loginType       string
	lifetimeSeconds int64
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

// AddUser seeds another user (email <username>@coder.test) with a session token. It panics
// if the username is taken, which is a mistake in the calling test.
func (s *Server) AddUser(username string, owner bool) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByUsernameLocked(username) != nil {
		panic(fmt.Sprintf("coderdtest: user %q already exists", username))
	}
	now := s.now()
	rec := &userRecord{
		User: User{
			ID:       uuid.New(),
			Username: username,
			Email:    username + "@coder.test",
			Password: seedPassword,
			Owner:    owner,
		},
		createdAt:  now,
		lastSeenAt: now,
	}
	s.users = append(s.users, rec)
	s.objects.members[s.defaultOrgLocked().ID][rec.ID] = true
	key := s.insertKeyLocked(keyRecord{
		userID:    rec.ID,
		scopes:    []string{scopeAll},
		allowList: []string{allowAll},
		loginType: loginTypePassword,
	}, seededSessionLife)
	rec.SessionToken = key
	return rec.User
}

// MintToken stores a token for u directly, bypassing the HTTP handler, and returns the key.
// Zero values mean the server defaults: random name, default lifetime, ["coder:all"],
// ["*:*"]. Aliases are canonicalised and the allow list normalised as on create; lifetime
// and scope names are not validated. Invalid allow-list entries, an unknown user or a name
// the user already uses panic, as they are mistakes in the calling test.
func (s *Server) MintToken(u User, name string, lifetime time.Duration, scopes, allowList []string) string {
	targets := make([]allowListTarget, 0, len(allowList))
	for _, entry := range allowList {
		target, err := parseAllowListEntry(entry)
		if err != nil {
			panic(fmt.Sprintf("coderdtest: MintToken: %v", err))
		}
		targets = append(targets, target)
	}
	if lifetime == 0 {
		lifetime = s.defaultLife
	}
	stored := canonicalScopes(scopes)
	if len(stored) == 0 {
		stored = []string{scopeAll}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByIDLocked(u.ID) == nil {
		panic(fmt.Sprintf("coderdtest: MintToken: unknown user %s", u.ID))
	}
	if name == "" {
		name = randomTokenName()
		for s.tokenNameTakenLocked(u.ID, name) {
			name = randomTokenName()
		}
	} else if s.tokenNameTakenLocked(u.ID, name) {
		panic(fmt.Sprintf("coderdtest: MintToken: %s already has a token named %q", u.Username, name))
	}
	return s.insertKeyLocked(keyRecord{
		userID:    u.ID,
		name:      name,
		scopes:    stored,
		allowList: normalizeAllowList(targets),
		loginType: loginTypeToken,
	}, lifetime)
}

// Token returns the stored record of the key with the given 10-character ID.
func (s *Server) Token(id string) (StoredToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok {
		return StoredToken{}, false
	}
	return StoredToken{
		ID:              k.id,
		UserID:          k.userID,
		Name:            k.name,
		Scopes:          append([]string(nil), k.scopes...),
		AllowList:       append([]string(nil), k.allowList...),
		ExpiresAt:       k.expiresAt,
		CreatedAt:       k.createdAt,
		LastUsed:        k.lastUsed,
		LoginType:       k.loginType,
		LifetimeSeconds: k.lifetimeSeconds,
	}, true
}

// insertKeyLocked completes rec (ID, secret hash, times) and stores it; it returns the key.
func (s *Server) insertKeyLocked(rec keyRecord, lifetime time.Duration) string {
	id, secret := generateKeyParts()
	for s.keys[id] != nil {
		id, secret = generateKeyParts()
	}
	now := s.now()
	rec.id = id
	rec.hashedSecret = hashSecret(secret)
	rec.createdAt = now
	rec.updatedAt = now
	rec.lastUsed = s.neverUsed()
	rec.expiresAt = now.Add(lifetime).Truncate(time.Microsecond)
	rec.lifetimeSeconds = int64(lifetime / time.Second)
	s.keys[id] = &rec
	if rec.loginType == loginTypeToken {
		s.tokenNames[tokenNameKey{rec.userID, rec.name}]++
	}
	return id + "-" + secret
}

type tokenNameKey struct {
	user uuid.UUID
	name string
}

// deleteKeyLocked removes a key and its name from the index.
func (s *Server) deleteKeyLocked(id string) {
	k, ok := s.keys[id]
	if !ok {
		return
	}
	delete(s.keys, id)
	if k.loginType == loginTypeToken {
		key := tokenNameKey{k.userID, k.name}
		if s.tokenNames[key]--; s.tokenNames[key] <= 0 {
			delete(s.tokenNames, key)
		}
	}
}

func (s *Server) userByIDLocked(id uuid.UUID) *userRecord {
	for _, u := range s.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// userByUsernameLocked matches case-insensitively, as coderd's lookup lower-cases both sides.
func (s *Server) userByUsernameLocked(username string) *userRecord {
	for _, u := range s.users {
		if strings.EqualFold(u.Username, username) {
			return u
		}
	}
	return nil
}

// wrap records the request, applies any matching fault and stamps the build version header
// before handing over to next.
func (s *Server) wrap(route string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil && !errors.Is(err, io.EOF) {
			writeJSON(w, http.StatusBadRequest, response{Message: msgInvalidJSON, Detail: err.Error()})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.record(r, route, body)

		handle := func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(buildVersionHeader, s.version)
			next(w, r)
		}
		if fault, ok := s.takeFault(route); ok {
			s.applyFault(w, r, fault, handle)
			return
		}
		handle(w, r)
	}
}

func (s *Server) record(r *http.Request, route string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, RecordedRequest{
		Method:     r.Method,
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		Route:      route,
		Header:     r.Header.Clone(),
		Body:       body,
		At:         time.Now(),
		RemoteAddr: r.RemoteAddr,
	})
}

// Requests returns every request received so far, faulted ones included, in arrival order.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone() // callers may edit what they get without touching the log
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// RoutePatterns lists every route pattern any generation registers (ServeMux syntax).
func RoutePatterns() []string {
	patterns := make([]string, 0, len(routeTable))
	for _, rt := range routeTable {
		patterns = append(patterns, rt.pattern)
	}
	return patterns
}

// SeedTokens mints n tokens for u, shaped like a deployment that mints one per
// CI job: named ci-job-NNNNNN, read scopes, half of them pinned to a workspace.
// It is for benchmarks (fakecoderd -seed-tokens); names are checked through an
// index, so 100k tokens seed in about a second.
func (s *Server) SeedTokens(u User, n int) {
	workspace := uuid.NewString()
	for i := 0; i < n; i++ {
		var allow []string
		if i%2 == 0 {
			allow = []string{"workspace:" + workspace}
		}
		s.MintToken(u, fmt.Sprintf("ci-job-%06d", i), 30*24*time.Hour, []string{"workspace:read", "template:read"}, allow)
	}
}
