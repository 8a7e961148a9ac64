package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/sdk"
)

// tableFixtureNow is the fixed "now" the table goldens are rendered at.
var tableFixtureNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// tableFixture covers what changes column widths: empty and missing values,
// wide and combining characters, legacy single scopes, never-used sentinels,
// expired tokens and long allow lists.
func tableFixture() []sdk.APIKeyWithOwner {
	at := func(d time.Duration) time.Time { return tableFixtureNow.Add(d) }
	user := uuid.MustParse("0f0e6f4a-2b1c-4d5e-8f90-a1b2c3d4e5f6")
	return []sdk.APIKeyWithOwner{
		{APIKey: sdk.APIKey{ID: "AAAAAAAAAA", UserID: user, TokenName: "ci", Scopes: []string{"workspace:read", "template:read"},
			AllowList: []sdk.AllowListTarget{{Type: "workspace", ID: "*"}}, CreatedAt: at(-48 * time.Hour),
			ExpiresAt: at(5 * 24 * time.Hour), LastUsed: at(-3 * time.Hour)}, Username: "admin"},
		{APIKey: sdk.APIKey{ID: "BBBBBBBBBB", UserID: user, TokenName: "déploy-名前", Scopes: []string{"coder:all"},
			AllowList: []sdk.AllowListTarget{}, CreatedAt: at(-24 * time.Hour),
			ExpiresAt: at(-time.Hour), LastUsed: time.Unix(0, 0).UTC()}, Username: "member"},
		{APIKey: sdk.APIKey{ID: "CCCCCCCCCC", UserID: user, TokenName: "legacy", Scope: "all",
			CreatedAt: at(-10 * time.Minute), ExpiresAt: at(100 * 365 * 24 * time.Hour)}, Username: ""},
		{APIKey: sdk.APIKey{ID: "DDDDDDDDDD", UserID: user, TokenName: "e\u0301-combining", Scopes: []string{"workspace:read", "workspace:ssh", "template:read", "user:read_personal"},
			AllowList: []sdk.AllowListTarget{{Type: "workspace", ID: "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"}, {Type: "template", ID: "*"}},
			CreatedAt: at(-30 * time.Second), ExpiresAt: at(30 * time.Second), LastUsed: at(-10 * time.Second)}, Username: "🦊fox"},
	}
}

// TestTokenTableGolden pins list and view rendering byte for byte: piped
// (tab-separated, whole cells, RFC 3339) and on terminals of different
// widths (aligned, fitted with "…", relative times).
func TestTokenTableGolden(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		columns string // $COLUMNS for the terminal cases
		flags   tableFlags
		cols    []string
		tokens  []sdk.APIKeyWithOwner
	}{
		{name: "piped_default", cols: (&columnsValue{}).orDefault(false), tokens: tableFixture()},
		{name: "piped_all", cols: (&columnsValue{}).orDefault(true), tokens: tableFixture()},
		{name: "piped_no_header", flags: tableFlags{noHeader: true}, cols: []string{"id", "name", "scopes"}, tokens: tableFixture()},
		{name: "piped_some_columns", cols: []string{"name", "status", "owner"}, tokens: tableFixture()},
		{name: "piped_one_row", cols: tokenColumns, tokens: tableFixture()[1:2]},
		{name: "tty_all", tty: true, columns: "300", cols: (&columnsValue{}).orDefault(true), tokens: tableFixture()},
		{name: "tty_80", tty: true, columns: "80", cols: (&columnsValue{}).orDefault(true), tokens: tableFixture()},
		{name: "tty_80_wide", tty: true, columns: "80", flags: tableFlags{wide: true}, cols: (&columnsValue{}).orDefault(true), tokens: tableFixture()},
		{name: "tty_60_no_header", tty: true, columns: "60", flags: tableFlags{noHeader: true}, cols: []string{"name", "scopes", "allow list", "expires at", "status"}, tokens: tableFixture()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("COLUMNS", tt.columns)
			var out bytes.Buffer
			streams := &IOStreams{Out: &out, ErrOut: new(bytes.Buffer), stdoutTTY: tt.tty}
			if err := writeTokenTable(streams, &tt.flags, tableFixtureNow, tt.cols, tt.tokens); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("..", "testdata", "table", tt.name+".golden"), out.Bytes())
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			switch {
			case !tt.tty:
				for _, line := range lines {
					if got := strings.Count(line, "\t"); got != len(tt.cols)-1 || strings.Contains(line, ", ") {
						t.Errorf("piped line %q: %d tabs, want %d and no \", \"", line, got, len(tt.cols)-1)
					}
				}
			case !tt.flags.wide:
				limit, _ := strconv.Atoi(tt.columns)
				for _, line := range lines {
					if w := textWidth(line); w > limit {
						t.Errorf("line is %d cells wide on a %d-column terminal: %q", w, limit, line)
					}
				}
			}
		})
	}
}

// TestGenericTableGolden pins the scopes and dry-run tables, which share the writer.
func TestGenericTableGolden(t *testing.T) {
	var out bytes.Buffer
	rows := [][]string{
		{"workspace", "read, ssh", ""},
		{"template", "*", "名前"},
		{"", "", ""},
	}
	if err := writeTable(&out, []string{"resource", "actions", "via"}, rows); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("..", "testdata", "table", "generic.golden"), out.Bytes())
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed (run with -update if intended):\n--- got\n%s\n--- want\n%s", filepath.Base(path), got, want)
	}
}

// TestTableEscapesCells: a hostile token name or username cannot move the
// cursor, recolour the terminal or forge a row.
func TestTableEscapesCells(t *testing.T) {
	var out bytes.Buffer
	rows := [][]string{{"evil\x1b]0;pwned\x07", "two\nlines"}, {"ok", "\u202eright-to-left"}}
	if err := writeTable(&out, []string{"name", "owner"}, rows); err != nil {
		t.Fatal(err)
	}
	want := "NAME                  OWNER\n" +
		`evil\x1b]0;pwned\x07  two\nlines` + "\n" +
		`ok                    \u202eright-to-left` + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// upstreamListFields are the JSON keys of upstream's tokenListRow (its
// embedded codersdk.APIKey); list and view must carry every one of them.
var upstreamListFields = []string{"id", "user_id", "last_used", "expires_at", "created_at", "updated_at",
	"login_type", "scope", "scopes", "token_name", "lifetime_seconds", "allow_list"}

// TestTokenJSONGolden pins the JSON shapes scripts read: list is an array of
// upstream's fields plus username; view is a one-element array, as upstream.
// The streamed list writer must print what encoding the whole slice printed.
func TestTokenJSONGolden(t *testing.T) {
	tokens := tableFixture()
	// Every escape encoding/json makes, for the hand-written encoder to match.
	hostile := tokens[0]
	hostile.TokenName = "q\"uote\\ <b>&amp; \x1b[31m \u2028 \xff tab\t"
	hostile.Username, hostile.Scopes, hostile.AllowList = "\u00e9\u0000", []string{}, nil
	hostile.LifetimeSeconds, hostile.LastUsed = -1, time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("", 3600))
	tokens = append(tokens, hostile)
	var streamed bytes.Buffer
	w := newJSONArrayWriter(&streamed)
	for _, tok := range tokens {
		if err := w.add(tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	if err := writeJSON(&whole, tokens); err != nil {
		t.Fatal(err)
	}
	if streamed.String() != whole.String() {
		t.Fatalf("streamed JSON differs from the encoded slice:\n%s\n---\n%s", streamed.String(), whole.String())
	}
	checkGolden(t, filepath.Join("..", "testdata", "table", "list.json.golden"), streamed.Bytes())

	var view bytes.Buffer
	if err := writeJSON(&view, []sdk.APIKey{tokens[0].APIKey}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("..", "testdata", "table", "view.json.golden"), view.Bytes())

	for name, data := range map[string][]byte{"list": streamed.Bytes(), "view": view.Bytes()} {
		var rows []map[string]any
		if err := json.Unmarshal(data, &rows); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, field := range upstreamListFields {
			if _, ok := rows[0][field]; !ok {
				t.Errorf("%s JSON lacks upstream's %q", name, field)
			}
		}
	}
	if !strings.Contains(streamed.String(), `"username": "admin"`) {
		t.Error("list JSON lacks the owner's username")
	}

	var empty bytes.Buffer
	w = newJSONArrayWriter(&empty)
	if err := w.close(); err != nil || empty.String() != "[]\n" {
		t.Errorf("empty list printed %q, %v; want []", empty.String(), err)
	}
}
