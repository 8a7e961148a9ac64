package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestErrorFromBody(t *testing.T) {
	const url = "https://coder.example.com/api/v2/users/me/keys/tokens"
	longHTML := "<html>" + strings.Repeat("x", 3000) + "</html>"
	longJSON := `{"error":"` + strings.Repeat("y", 2000) + `"}`
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        Error
		wantString  string
	}{
		{
			name: "conflict with validations", status: 409, contentType: "application/json; charset=utf-8",
			body: string(fixture(t, "error_conflict.json")),
			want: Error{StatusCode: 409, Response: Response{Message: `A token with name "ci" already exists.`,
				Validations: []ValidationError{{Field: "name", Detail: "This value is already in use and should be unique."}}}},
			wantString: "POST " + url + `: unexpected status code 409: A token with name "ci" already exists.` +
				"\n\tname: This value is already in use and should be unique.",
		},
		{
			name: "401 gets the login hint", status: 401, contentType: "application/json",
			body: string(fixture(t, "error_unauthorized.json")),
			want: Error{StatusCode: 401, Helper: "Try logging in using 'coder login'.", Response: Response{
				Message: "You are signed out or your session has expired. Please sign in again to continue.",
				Detail:  "API key secret is invalid."}},
			wantString: "POST " + url + ": unexpected status code 401: You are signed out or your session has expired. " +
				"Please sign in again to continue.: Try logging in using 'coder login'.\n\tError: API key secret is invalid.",
		},
		{
			name: "403 gets no hint", status: 403, contentType: "application/json",
			body: string(fixture(t, "error_forbidden.json")),
			want: Error{StatusCode: 403, Response: Response{Message: "Forbidden.",
				Detail: "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."}},
		},
		{
			name: "HTML proxy page", status: 502, contentType: "text/html",
			body: "<html><body>Bad Gateway</body></html>",
			want: Error{StatusCode: 502, Response: Response{Message: `unexpected non-JSON response "text/html"`,
				Detail: "<html><body>Bad Gateway</body></html>"}},
			wantString: "POST " + url + `: unexpected status code 502: unexpected non-JSON response "text/html"` +
				"\n\tError: <html><body>Bad Gateway</body></html>",
		},
		{
			name: "non-JSON body is cut at 2048 bytes", status: 500, contentType: "text/html; charset=utf-8",
			body: longHTML,
			want: Error{StatusCode: 500, Response: Response{Message: `unexpected non-JSON response "text/html; charset=utf-8"`,
				Detail: longHTML[:2048] + "..."}},
		},
		{
			name: "non-JSON empty body", status: 503, contentType: "text/plain",
			want: Error{StatusCode: 503, Response: Response{Message: `unexpected non-JSON response "text/plain"`, Detail: "no response body"}},
		},
		{
			name: "missing content type counts as non-JSON", status: 500,
			want: Error{StatusCode: 500, Response: Response{Message: `unexpected non-JSON response ""`, Detail: "no response body"}},
		},
		{
			name: "empty JSON body", status: 500, contentType: "application/json",
			want:       Error{StatusCode: 500, Response: Response{Message: "empty response body"}},
			wantString: "POST " + url + ": unexpected status code 500: empty response body",
		},
		{
			name: "JSON without message", status: 500, contentType: "application/json",
			body: `{"error":"boom"}`,
			want: Error{StatusCode: 500, Response: Response{Message: "unexpected status code 500, response has no message",
				Detail: `{"error":"boom"}`}},
		},
		{
			name: "JSON without message is cut at 1024 bytes", status: 500, contentType: "application/json",
			body: longJSON,
			want: Error{StatusCode: 500, Response: Response{Message: "unexpected status code 500, response has no message",
				Detail: longJSON[:1024] + "..."}},
		},
		{
			name: "a secret field in a body without message is redacted", status: 202, contentType: "application/json",
			body: `{"key": "WuoWs4ZsMX-0123456789abcdefABCDEF"}`,
			want: Error{StatusCode: 202, Response: Response{Message: "unexpected status code 202, response has no message",
				Detail: `{"key":"[REDACTED]"}`}},
		},
		{
			name: "JSON without message or secrets keeps its layout", status: 500, contentType: "application/json",
			body: `{"error": "boom"}`,
			want: Error{StatusCode: 500, Response: Response{Message: "unexpected status code 500, response has no message",
				Detail: `{"error": "boom"}`}},
		},
		{
			name: "broken JSON", status: 500, contentType: "application/json",
			body: `{"message":`,
			want: Error{StatusCode: 500, Response: Response{Message: "unexpected status code 500, response is not valid JSON",
				Detail: `{"message":`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorFromBody(httpAnswer{method: "POST", url: url, status: tt.status, contentType: tt.contentType, body: []byte(tt.body)}, nil)
			tt.want.Method, tt.want.URL = "POST", url
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", *got, tt.want)
			}
			if tt.wantString != "" && got.Error() != tt.wantString {
				t.Errorf("Error() =\n%s\nwant\n%s", got.Error(), tt.wantString)
			}
		})
	}
}

func TestErrorFromBodyScrubsEchoedSecrets(t *testing.T) {
	const token = "AbCdEfGhIj-0123456789abcdefghijkl"
	_, secretHalf, _ := SplitToken(token)
	tests := []struct {
		name, contentType, body string
	}{
		{"proxy echoes the header", "text/html", "<pre>Coder-Session-Token: " + token + "</pre>"},
		{"server echoes the secret half", "application/json", `{"message":"bad secret ` + secretHalf + `","validations":[{"field":"f","detail":"` + token + `"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := errorFromBody(httpAnswer{method: "GET", url: "http://x", status: 400, contentType: tt.contentType, body: []byte(tt.body)}, secretsOf(token))
			text := err.Error()
			if strings.Contains(text, secretHalf) {
				t.Fatalf("error text (%d bytes) contains the token secret", len(text))
			}
			if !strings.Contains(text, redactionMarker) {
				t.Errorf("error text lacks the redaction marker: %s", text)
			}
		})
	}
}

func TestDecodeSuccessFailures(t *testing.T) {
	tests := []struct {
		name           string
		contentType    string
		body           string
		redirectedFrom string
		want           Error
	}{
		{
			name: "HTML login page from an SSO proxy", contentType: "text/html; charset=utf-8", body: "<html>Sign in</html>",
			want: Error{StatusCode: 200, Helper: htmlHelper, Response: Response{
				Message: "Received an HTML response instead of JSON from the Coder API.",
				Detail:  `content type "text/html; charset=utf-8"`}},
		},
		{
			name: "HTML after a redirect", contentType: "text/html", body: "<html/>", redirectedFrom: "http://old/api/v2/buildinfo",
			want: Error{StatusCode: 200, Helper: htmlHelper, Response: Response{
				Message: "Received an HTML response instead of JSON from the Coder API.",
				Detail:  `content type "text/html", after following redirects from http://old/api/v2/buildinfo`}},
		},
		{
			name: "empty body", contentType: "application/json",
			want: Error{StatusCode: 200, Response: Response{Message: "Received an empty response from the Coder API.",
				Detail: `content type "application/json"`}},
		},
		{
			name: "invalid JSON", contentType: "application/json", body: `{"version":`,
			want: Error{StatusCode: 200, Response: Response{Message: "Received an invalid JSON response from the Coder API.",
				Detail: `content type "application/json": unexpected end of JSON input`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out BuildInfo
			err := decodeSuccess(httpAnswer{method: "GET", url: "http://x/api/v2/buildinfo", status: 200,
				contentType: tt.contentType, body: []byte(tt.body), redirectedFrom: tt.redirectedFrom}, &out, nil)
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("err = %v, want *Error", err)
			}
			tt.want.Method, tt.want.URL = "GET", "http://x/api/v2/buildinfo"
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", *got, tt.want)
			}
		})
	}
}

func TestStatusPredicates(t *testing.T) {
	predicates := map[string]func(error) bool{
		"IsUnauthorized": IsUnauthorized, "IsForbidden": IsForbidden, "IsNotFound": IsNotFound,
		"IsConflict": IsConflict, "IsRateLimited": IsRateLimited,
	}
	tests := []struct {
		err  error
		want string // the one predicate that must hold; "" for none
	}{
		{&Error{StatusCode: 401}, "IsUnauthorized"},
		{&Error{StatusCode: 403}, "IsForbidden"},
		{&Error{StatusCode: 404}, "IsNotFound"},
		{&Error{StatusCode: 409}, "IsConflict"},
		{&Error{StatusCode: 429}, "IsRateLimited"},
		{fmt.Errorf("list tokens: %w", &Error{StatusCode: 404}), "IsNotFound"},
		{&Error{StatusCode: 500}, ""},
		{&TransportError{Err: io.ErrUnexpectedEOF}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		for name, predicate := range predicates {
			if got := predicate(tt.err); got != (name == tt.want) {
				t.Errorf("%s(%v) = %v", name, tt.err, got)
			}
		}
	}
}

func TestIsTimeout(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&TransportError{Err: context.DeadlineExceeded}, true},
		{&TransportError{Err: timeoutErr{}}, true},
		{&TransportError{Err: context.Canceled}, false},
		{&Error{StatusCode: http.StatusGatewayTimeout}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := IsTimeout(tt.err); got != tt.want {
			t.Errorf("IsTimeout(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestScrubIgnoresSecretsTooShortToMatchSafely(t *testing.T) {
	tests := []struct {
		secret string
		want   string
	}{
		{secret: "or", want: "Incorrect email or password."},
		{secret: "passw", want: "Incorrect email or password."},
		{secret: "password", want: "Incorrect email or [REDACTED]."},
	}
	for _, tt := range tests {
		if got := scrub("Incorrect email or password.", []string{tt.secret}); got != tt.want {
			t.Errorf("scrub with a %d-byte secret = %q, want %q", len(tt.secret), got, tt.want)
		}
	}
}
