package coderdtest

// The user and key records behind every handler, and the helpers tests use to seed
// them without going through HTTP. Functions named *Locked expect s.mu held.

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

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

// tokenNameTakenLocked reports whether user already has a token called name (the unique
// index covers login_type token only, expired tokens included).
func (s *Server) tokenNameTakenLocked(user uuid.UUID, name string) bool {
	return s.tokenNames[tokenNameKey{user, name}] > 0
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
