package sdk

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzDecodeAnswers feeds arbitrary answers to the SDK's decoding of every
// response type and of error bodies: nothing panics, a success that does not
// decode is an *Error, and no error text or -v body shows a key's secret or
// the session token, whatever the server sent.
func FuzzDecodeAnswers(f *testing.F) {
	const session = "AbCdEfGhIj-0123456789abcdefghijkl"
	const key = "Mn0pQr1sTu-abcdefghijklmnopqrstuv"
	seeds := []string{
		`{}`, `{"key":null}`, `{"key":"` + key + `"}`, `[` + keyJSON + `]`, keyJSON,
		`{"message":"bad","detail":"` + session + `","validations":[{"field":"x","detail":"` + key + `"}]}`,
		`{"key":"a"}{"key":"` + key + `"}`, `<html><title>x</title></html>`, "", "null", `{"max_token_lifetime":"x"}`,
		`{"version":"v2.38.0","external_url":"` + key + `"}`, `{"id":1e999}`, "\xff\xfe",
	}
	for _, s := range seeds {
		f.Add(s, 200, "application/json")
		f.Add(s, 500, "application/json")
		f.Add(s, 201, "text/html")
	}
	f.Fuzz(func(t *testing.T, body string, status int, contentType string) {
		a := httpAnswer{method: http.MethodGet, url: "https://coder.test/api/v2/x", status: status,
			contentType: contentType, body: []byte(body)}
		secrets := secretsOf(session)
		targets := []any{new(APIKey), new([]APIKeyWithOwner), new(GenerateAPIKeyResponse), new(TokenConfig),
			new(User), new(BuildInfo), new(ScopeCatalog), new(AuthMethods), new(LoginWithPasswordResponse), new(Response)}
		for _, v := range targets {
			err := decodeSuccess(a, v, secrets)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("decodeSuccess returned %T, want *Error", err)
				}
				assertNoFuzzSecret(t, "decode error", err.Error())
			}
		}
		assertNoFuzzSecret(t, "error body", errorFromBody(a, secrets).Error())
		assertNoFuzzSecret(t, "-v body", scrub(debugBody([]byte(body)), secrets))
	})
}

// assertNoFuzzSecret: the session token's secret never shows, and nothing
// key-shaped keeps its secret half. (A bare 22-character string on its own is
// not a key: the fuzzer may type one.)
func assertNoFuzzSecret(t *testing.T, where, text string) {
	t.Helper()
	if strings.Contains(text, "0123456789abcdefghijkl") {
		t.Fatalf("%s shows the session token: %q", where, text)
	}
	if m := keyShape().FindString(text); m != "" {
		t.Fatalf("%s shows a key: %q", where, text)
	}
}
