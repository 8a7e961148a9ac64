package cli

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/sdk"
)

// tokenFilter selects tokens client-side (the API filters by nothing but
// owner and expiry). The zero value selects everything.
type tokenFilter struct {
	Name           string        // glob over the token name (path.Match syntax)
	Status         string        // "", "active" or "expired"
	ExpiringWithin time.Duration // active and expiring within this long
	UnusedFor      time.Duration // not used for this long, or never used
	Unrestricted   bool          // coder:all, or an allow list of *:*
}

// selects reports whether any filter is set; prune refuses to run without one.
func (f tokenFilter) selects() bool { return f != tokenFilter{} }

// needsExpired reports whether expired tokens must be fetched at all.
func (f tokenFilter) needsExpired() bool { return f.Status == "expired" }

// match returns the predicate for one point in time, a pure function a
// streaming decoder can apply token by token.
func (f tokenFilter) match(now time.Time) func(sdk.APIKeyWithOwner) bool {
	return func(t sdk.APIKeyWithOwner) bool {
		expired := !t.ExpiresAt.After(now)
		switch {
		case f.Name != "" && !globMatch(f.Name, t.TokenName):
			return false
		case f.Status == "active" && expired, f.Status == "expired" && !expired:
			return false
		case f.ExpiringWithin > 0 && (expired || t.ExpiresAt.Sub(now) > f.ExpiringWithin):
			return false
		case f.UnusedFor > 0 && !neverUsed(t.LastUsed, t.CreatedAt) && now.Sub(t.LastUsed) < f.UnusedFor:
			return false
		case f.Unrestricted && !unrestricted(t.APIKey):
			return false
		}
		return true
	}
}

func globMatch(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok // the pattern was checked when the flag was set
}

// unrestricted is a token that can do anything (coder:all, or the legacy
// "all" of servers before scope lists) or reach any resource (*:*, or no
// allow list at all on servers that predate them).
func unrestricted(t sdk.APIKey) bool {
	if slices.Contains(t.Scopes, "coder:all") || (t.Scopes == nil && t.Scope == "all") {
		return true
	}
	if t.AllowList == nil {
		return true
	}
	return slices.ContainsFunc(t.AllowList, func(a sdk.AllowListTarget) bool { return a.Type == "*" && a.ID == "*" })
}

// sortFields are what --sort accepts, each with how it orders two tokens.
var sortFields = map[string]func(a, b sdk.APIKeyWithOwner) int{
	"created_at": func(a, b sdk.APIKeyWithOwner) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"expires_at": func(a, b sdk.APIKeyWithOwner) int { return a.ExpiresAt.Compare(b.ExpiresAt) },
	"last_used": func(a, b sdk.APIKeyWithOwner) int {
		// Never used sorts first: the oldest use there is.
		return lastUsedOrZero(a).Compare(lastUsedOrZero(b))
	},
	"name":  func(a, b sdk.APIKeyWithOwner) int { return strings.Compare(a.TokenName, b.TokenName) },
	"owner": func(a, b sdk.APIKeyWithOwner) int { return strings.Compare(a.Username, b.Username) },
	"id":    func(a, b sdk.APIKeyWithOwner) int { return strings.Compare(a.ID, b.ID) },
}

func lastUsedOrZero(t sdk.APIKeyWithOwner) time.Time {
	if neverUsed(t.LastUsed, t.CreatedAt) {
		return time.Time{}
	}
	return t.LastUsed
}

func sortFieldNames() []string {
	names := make([]string, 0, len(sortFields))
	for name := range sortFields {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// sortSpec is --sort: a field, "-" in front for descending.
type sortSpec struct {
	field string
	desc  bool
}

func (s *sortSpec) String() string {
	if s.field == "" {
		return "created_at"
	}
	if s.desc {
		return "-" + s.field
	}
	return s.field
}
func (s *sortSpec) Type() string { return "field" }
func (s *sortSpec) Set(v string) error {
	desc := strings.HasPrefix(v, "-")
	field := strings.ReplaceAll(strings.TrimPrefix(v, "-"), "-", "_")
	field = strings.ReplaceAll(field, " ", "_")
	if _, ok := sortFields[field]; !ok {
		return fmt.Errorf("unknown sort field %q: want one of %s, with - in front for descending", v, strings.Join(sortFieldNames(), ", "))
	}
	s.field, s.desc = field, desc
	return nil
}

// sort orders tokens by the field, then by creation and ID so equal keys
// keep a stable, reproducible order.
func (s sortSpec) sort(tokens []sdk.APIKeyWithOwner) {
	primary := sortFields[cmp.Or(s.field, "created_at")]
	slices.SortStableFunc(tokens, func(a, b sdk.APIKeyWithOwner) int {
		c := primary(a, b)
		if c == 0 {
			c = cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
		}
		if s.desc {
			return -c
		}
		return c
	})
}

// durationValue is a positive duration in lifetime syntax (30d, 2w, 12h).
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if *v.d == 0 {
		return ""
	}
	return lifetime.Format(*v.d)
}
func (v durationValue) Type() string { return "duration" }
func (v durationValue) Set(s string) error {
	if strings.EqualFold(s, "max") {
		return fmt.Errorf("want a duration such as 7d or 12h")
	}
	l, err := lifetime.Parse(s)
	if err != nil {
		return err
	}
	*v.d = l.Duration
	return nil
}

type globValue struct{ p *string }

func (v globValue) String() string { return *v.p }
func (v globValue) Type() string   { return "glob" }
func (v globValue) Set(s string) error {
	if _, err := path.Match(s, ""); err != nil {
		return fmt.Errorf("invalid pattern %q: %w (want e.g. 'ci-*')", s, err)
	}
	*v.p = s
	return nil
}

// addFilterFlags registers the filter flags list and prune share. They are
// for the command line only: a filter left in the environment would silently
// narrow every listing, or widen what a prune removes.
func addFilterFlags(cmd *cobra.Command, f *tokenFilter) {
	fl := cmd.Flags()
	fl.Var(globValue{&f.Name}, "name", "Only tokens whose name matches this `glob` (e.g. 'ci-*')")
	status := &statusValue{p: &f.Status}
	fl.Var(status, "status", "Only tokens with this status: active|expired")
	fl.Var(durationValue{&f.ExpiringWithin}, "expiring-within", "Only active tokens that expire within this `duration` (e.g. 7d)")
	fl.Var(durationValue{&f.UnusedFor}, "unused-for", "Only tokens not used for this `duration` (e.g. 30d); never used counts")
	fl.BoolVar(&f.Unrestricted, "unrestricted", false, "Only tokens with the coder:all scope or an allow list of *:* (any resource)")
	for _, name := range []string{"name", "status", "expiring-within", "unused-for", "unrestricted"} {
		withoutEnv(fl, name, "a filter in the environment would silently change what list shows and prune removes")
	}
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"active", "expired"}, cobra.ShellCompDirectiveNoFileComp))
	durations := cobra.FixedCompletions([]string{"1d", "7d", "30d", "90d"}, cobra.ShellCompDirectiveNoFileComp)
	_ = cmd.RegisterFlagCompletionFunc("expiring-within", durations)
	_ = cmd.RegisterFlagCompletionFunc("unused-for", durations)
	_ = cmd.RegisterFlagCompletionFunc("name", cobra.NoFileCompletions)
}

type statusValue struct{ p *string }

func (v *statusValue) String() string { return *v.p }
func (v *statusValue) Type() string   { return "status" }
func (v *statusValue) Set(s string) error {
	if s != "active" && s != "expired" {
		return fmt.Errorf("want active or expired")
	}
	*v.p = s
	return nil
}

// countValue is a non-negative count, checked when set so a bad
// $CODER_TOKENS_LIMIT is reported as coming from there.
type countValue struct{ n *int }

func (v countValue) String() string { return strconv.Itoa(*v.n) }
func (v countValue) Type() string   { return "N" }
func (v countValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return fmt.Errorf("want 0 (all) or a positive number of tokens")
	}
	*v.n = n
	return nil
}
