package coderdtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testNow is the frozen server clock; its nanoseconds show the microsecond truncation.
var testNow = time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)

func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	return New(t, opts)
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// request describes one HTTP call; token goes into Coder-Session-Token unless empty.
type request struct {
	method string
	path   string
	token  string
	body   string
	edit   func(r *http.Request)
}

func do(t *testing.T, s *Server, req request) reply {
	t.Helper()
	method := req.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r, err := http.NewRequest(method, s.URL+req.path, body)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.token != "" {
		r.Header.Set("Coder-Session-Token", req.token)
	}
	if req.edit != nil {
		req.edit(r)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, req.path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", method, req.path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

// wantBody is an expected codersdk.Response, compared field by field.
type wantBody struct {
	message     string
	detail      string
	validations []validationError
}

// expectResponse checks status, JSON content type, the build header and the exact error body.
func expectResponse(t *testing.T, got reply, status int, want wantBody) {
	t.Helper()
	if got.status != status {
		t.Fatalf("status = %d, want %d (body %s)", got.status, status, got.body)
	}
	expectJSONHeaders(t, got)
	var body response
	// The first JSON value: the organization lookup writes two on a miss, as upstream.
	if err := json.NewDecoder(bytes.NewReader(got.body)).Decode(&body); err != nil {
		t.Fatalf("decode error body %q: %v", got.body, err)
	}
	if body.Message != want.message {
		t.Errorf("message = %q, want %q", body.Message, want.message)
	}
	if body.Detail != want.detail {
		t.Errorf("detail = %q, want %q", body.Detail, want.detail)
	}
	gotValidations, _ := json.Marshal(body.Validations)
	wantValidations, _ := json.Marshal(want.validations)
	if !bytes.Equal(gotValidations, wantValidations) {
		t.Errorf("validations = %s, want %s", gotValidations, wantValidations)
	}
}

func expectJSONHeaders(t *testing.T, got reply) {
	t.Helper()
	if ct := got.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q, want application/json; charset=utf-8", ct)
	}
	if got.header.Get("X-Coder-Build-Version") == "" {
		t.Error("X-Coder-Build-Version header missing")
	}
}

func decodeInto(t *testing.T, got reply, v any) {
	t.Helper()
	if err := json.Unmarshal(got.body, v); err != nil {
		t.Fatalf("decode %q: %v", got.body, err)
	}
}

// createToken posts body for user and returns the minted key, failing unless 201.
func createToken(t *testing.T, s *Server, token, user, body string) string {
	t.Helper()
	got := do(t, s, request{method: http.MethodPost, path: "/api/v2/users/" + user + "/keys/tokens", token: token, body: body})
	if got.status != http.StatusCreated {
		t.Fatalf("create token: status %d, body %s", got.status, got.body)
	}
	var created struct {
		Key string `json:"key"`
	}
	decodeInto(t, got, &created)
	return created.Key
}

func keyID(key string) string {
	id, _, _ := strings.Cut(key, "-")
	return id
}

// signedOutBody is the 401 body with the given detail.
func signedOutBody(detail string) wantBody {
	return wantBody{message: "You are signed out or your session has expired. Please sign in again to continue.", detail: detail}
}

var notFoundBody = wantBody{message: "Resource not found or you do not have access to this resource"}
