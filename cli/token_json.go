package cli

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/scopedtokens/coder/sdk"
)

// appendTokenJSON appends t as one element of an indented array, exactly as
// json.Encoder with SetIndent("  ", "  ") and SetEscapeHTML(false) prints it.
// Why by hand: at 10k tokens reflection-driven encoding plus re-indenting was
// half of `ls -o json`'s CPU and kept it over twice the cost of curl.
// TestTokenJSONGolden compares the two on every field, so a field added to
// sdk.APIKey without being added here fails that test.
func appendTokenJSON(b []byte, t sdk.APIKeyWithOwner) []byte {
	b = append(b, "{\n    \"id\": "...)
	b = appendJSONString(b, t.ID)
	b = append(b, ",\n    \"user_id\": \""...)
	b = append(b, t.UserID.String()...)
	b = append(b, "\",\n    \"last_used\": "...)
	b = appendJSONTime(b, t.LastUsed)
	b = append(b, ",\n    \"expires_at\": "...)
	b = appendJSONTime(b, t.ExpiresAt)
	b = append(b, ",\n    \"created_at\": "...)
	b = appendJSONTime(b, t.CreatedAt)
	b = append(b, ",\n    \"updated_at\": "...)
	b = appendJSONTime(b, t.UpdatedAt)
	b = append(b, ",\n    \"login_type\": "...)
	b = appendJSONString(b, t.LoginType)
	b = append(b, ",\n    \"scope\": "...)
	b = appendJSONString(b, t.Scope)
	b = append(b, ",\n    \"scopes\": "...)
	b = appendJSONStrings(b, t.Scopes, t.Scopes == nil)
	b = append(b, ",\n    \"token_name\": "...)
	b = appendJSONString(b, t.TokenName)
	b = append(b, ",\n    \"lifetime_seconds\": "...)
	b = strconv.AppendInt(b, t.LifetimeSeconds, 10)
	b = append(b, ",\n    \"allow_list\": "...)
	allow := make([]string, len(t.AllowList))
	for i, a := range t.AllowList {
		allow[i] = a.String()
	}
	b = appendJSONStrings(b, allow, t.AllowList == nil)
	b = append(b, ",\n    \"username\": "...)
	b = appendJSONString(b, t.Username)
	return append(b, "\n  }"...)
}

func appendJSONStrings(b []byte, values []string, null bool) []byte {
	switch {
	case null:
		return append(b, "null"...)
	case len(values) == 0:
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n      "...)
		b = appendJSONString(b, v)
	}
	return append(b, "\n    ]"...)
}

// appendJSONTime is time.Time's MarshalJSON.
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendJSONString quotes s; text that needs escaping (rare in token fields)
// goes through encoding/json itself, so the escapes are its own.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			quoted, err := marshalNoHTMLEscape(s)
			if err != nil {
				break
			}
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func marshalNoHTMLEscape(s string) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf[:len(buf)-1], nil // Encode's newline
}

type jsonBuffer []byte

func (j *jsonBuffer) Write(p []byte) (int, error) { *j = append(*j, p...); return len(p), nil }
