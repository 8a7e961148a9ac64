package sdk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// listEntry is one wire entry of about the real size (~430 bytes).
func listEntry(i int) string {
	return fmt.Sprintf(`{"id":"%010d","user_id":"0f0e6f4a-2b1c-4d5e-8f90-a1b2c3d4e5f6",`+
		`"last_used":"1970-01-01T00:00:00Z","expires_at":"2126-03-01T12:00:00Z",`+
		`"created_at":"2026-03-01T12:00:00Z","updated_at":"2026-03-01T12:00:00Z",`+
		`"login_type":"token","scope":"","scopes":["workspace:read","template:read"],`+
		`"token_name":"ci-job-%d","lifetime_seconds":604800,`+
		`"allow_list":["workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"],"username":"admin"}`, i, i)
}

// streamList writes n entries in chunks, flushing every 500, as a server
// reading a large result from its database does. Entries are one template
// with the ID patched in, so the server side costs little under -race.
func streamList(w http.ResponseWriter, n int) {
	w.Header().Set("Content-Type", "application/json")
	flusher := w.(http.Flusher)
	entry := []byte("," + listEntry(0))
	idAt := bytes.Index(entry, []byte("0000000000"))
	_, _ = io.WriteString(w, "[")
	for i := 0; i < n; i++ {
		copy(entry[idAt:idAt+10], fmt.Sprintf("%010d", i))
		start := 0
		if i == 0 {
			start = 1
		}
		_, _ = w.Write(entry[start:])
		if i%500 == 0 {
			flusher.Flush()
		}
	}
	_, _ = io.WriteString(w, "]")
}

// TestEachTokenStreamsWithBoundedMemory lists 200k tokens (~90 MB of JSON,
// where reading the body whole used to fail at 16 MiB) and samples the heap
// while entries arrive: it must stay a small fraction of the body.
func TestEachTokenStreamsWithBoundedMemory(t *testing.T) {
	const entries = 200_000
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { streamList(w, entries) })
	c := newTestClient(t, srv.URL)

	bodyBytes := entries * (len(listEntry(entries)) + 1)
	var peak uint64
	var stats runtime.MemStats
	seen := 0
	err := c.EachToken(context.Background(), "me", TokensFilter{}, TokenSink{Add: func(tok APIKeyWithOwner) error {
		if want := fmt.Sprintf("%010d", seen); tok.ID != want {
			return fmt.Errorf("entry %d has ID %q, want %q", seen, tok.ID, want)
		}
		seen++
		if seen%20_000 == 0 {
			// What is still reachable after a collection is what the listing
			// holds; garbage awaiting the collector is not retention.
			runtime.GC()
			runtime.ReadMemStats(&stats)
			peak = max(peak, stats.HeapAlloc)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if seen != entries {
		t.Fatalf("saw %d entries, want %d", seen, entries)
	}
	const bound = 16 << 20
	if peak > bound {
		t.Errorf("%d MiB stayed reachable while streaming a %d MiB list; want under %d MiB", peak>>20, bodyBytes>>20, bound>>20)
	}
	t.Logf("body %d MiB, peak live heap %.1f MiB", bodyBytes>>20, float64(peak)/(1<<20))
}

func TestEachTokenLimits(t *testing.T) {
	defer func(entries int, entryBytes int64) { maxTokenEntries, maxTokenEntryBytes = entries, entryBytes }(maxTokenEntries, maxTokenEntryBytes)
	maxTokenEntries, maxTokenEntryBytes = 1000, 4096

	t.Run("too many entries", func(t *testing.T) {
		srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { streamList(w, 1001) })
		_, err := newTestClient(t, srv.URL).Tokens(context.Background(), "me", TokensFilter{})
		var limitErr *ListLimitError
		if !errors.As(err, &limitErr) || limitErr.Entries != 1000 || !strings.Contains(err.Error(), "more than 1000 tokens") {
			t.Fatalf("err = %v, want a ListLimitError after 1000 entries", err)
		}
	})
	t.Run("one huge entry", func(t *testing.T) {
		srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "["+listEntry(0)+`,{"token_name":"`+strings.Repeat("x", 200<<10)+`"}]`)
		})
		_, err := newTestClient(t, srv.URL).Tokens(context.Background(), "me", TokensFilter{})
		var limitErr *ListLimitError
		if !errors.As(err, &limitErr) || limitErr.Entries != 1 || !strings.Contains(err.Error(), "entry 2 is larger than 4096 bytes") {
			t.Fatalf("err = %v, want a ListLimitError at entry 2", err)
		}
	})
	t.Run("at the limit is fine", func(t *testing.T) {
		srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { streamList(w, 1000) })
		tokens, err := newTestClient(t, srv.URL).Tokens(context.Background(), "me", TokensFilter{})
		if err != nil || len(tokens) != 1000 {
			t.Fatalf("got %d tokens, %v; want 1000", len(tokens), err)
		}
	})
}

// TestEachTokenCutMidListRestarts: a body cut short after some entries is
// retried when the sink can start over, and reported when it cannot.
func TestEachTokenCutMidListRestarts(t *testing.T) {
	cutFirst := func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100000")
			_, _ = io.WriteString(w, "["+listEntry(0)+","+listEntry(1)+",")
			return // the server closes a response shorter than its Content-Length
		}
		streamList(w, 3)
	}
	srv := newTestServer(t, cutFirst)
	tokens, err := newTestClient(t, srv.URL).Tokens(context.Background(), "me", TokensFilter{})
	if err != nil || len(tokens) != 3 || len(srv.requests()) != 2 {
		t.Fatalf("got %d tokens, %v after %d requests; want 3 tokens after 2", len(tokens), err, len(srv.requests()))
	}

	srv = newTestServer(t, cutFirst)
	added := 0
	err = newTestClient(t, srv.URL).EachToken(context.Background(), "me", TokensFilter{}, TokenSink{
		Add:     func(APIKeyWithOwner) error { added++; return nil },
		Restart: func() bool { return false },
	})
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || added != 2 || len(srv.requests()) != 1 {
		t.Fatalf("err = %v after %d entries and %d requests; want a TransportError after 2 entries, 1 request", err, added, len(srv.requests()))
	}
}

func TestEachTokenNullAndEmpty(t *testing.T) {
	for body, wantErr := range map[string]string{"null": "", "[]": "", "": "Received an empty response", `{"id":1}`: "want a JSON array"} {
		srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		})
		tokens, err := newTestClient(t, srv.URL).Tokens(context.Background(), "me", TokensFilter{})
		switch {
		case wantErr == "" && (err != nil || tokens == nil || len(tokens) != 0):
			t.Errorf("%q: got %v, %v; want an empty, non-nil list", body, tokens, err)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("%q: err = %v, want %q", body, err, wantErr)
		}
	}
}

// TestEachTokenTimeoutBoundsStallsNotSize: --timeout limits each wait for
// data, so a list that keeps arriving may take longer than it, and a server
// that goes quiet mid-list is reported as a timeout.
func TestEachTokenTimeoutBoundsStallsNotSize(t *testing.T) {
	const timeout = 150 * time.Millisecond
	trickle := func(w http.ResponseWriter, n int, gap time.Duration, stallAfter int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "[")
		for i := 0; i < n; i++ {
			if i > 0 {
				_, _ = io.WriteString(w, ",")
			}
			_, _ = io.WriteString(w, listEntry(i))
			w.(http.Flusher).Flush()
			if i == stallAfter {
				time.Sleep(3 * timeout)
			}
			time.Sleep(gap)
		}
		_, _ = io.WriteString(w, "]")
	}
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { trickle(w, 8, timeout/4, -1) })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Timeout = timeout })
	start := time.Now()
	tokens, err := c.Tokens(context.Background(), "me", TokensFilter{})
	if err != nil || len(tokens) != 8 {
		t.Fatalf("got %d tokens, %v; want all 8", len(tokens), err)
	}
	if elapsed := time.Since(start); elapsed < timeout {
		t.Fatalf("the list arrived in %v, under the timeout; the test proves nothing", elapsed)
	}

	srv = newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { trickle(w, 3, 0, 1) })
	c = newTestClient(t, srv.URL, func(cfg *Config) { cfg.Timeout = timeout })
	_, err = c.Tokens(context.Background(), "me", TokensFilter{})
	if !IsTimeout(err) || !strings.Contains(err.Error(), "sent no data for 150ms") {
		t.Fatalf("err = %v, want a timeout naming the stall", err)
	}
}

// TestEachTokenVerboseStreamsToo: -v logs the list's beginning and still
// streams it, so a list past the 16 MiB body limit lists with -v as without.
func TestEachTokenVerboseStreamsToo(t *testing.T) {
	const entries = 45_000 // ~19 MiB
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { streamList(w, entries) })
	var log bytes.Buffer
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Debug = &log })
	tokens, err := c.Tokens(context.Background(), "me", TokensFilter{})
	if err != nil || len(tokens) != entries {
		t.Fatalf("got %d tokens, %v; want %d", len(tokens), err, entries)
	}
	if !strings.Contains(log.String(), "(streamed: the first 8192 bytes are shown") || log.Len() > 64<<10 {
		t.Errorf("verbose log of %d bytes does not show a streamed head:\n%.2000s", log.Len(), log.String())
	}
}
