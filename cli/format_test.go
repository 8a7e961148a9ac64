package cli

import (
	"bytes"
	"testing"
	"time"
)

func TestOutputFlagsOnTerminalEscapeServerText(t *testing.T) {
	hostile := []map[string]any{{"token_name": "evil\x1b]0;pwned\x07\u202egnp.exe"}}
	tests := []struct {
		name, jq, template string
		tty                bool
		want               string
	}{
		{name: "jq raw string on a terminal", jq: ".[0].token_name", tty: true, want: `evil\x1b]0;pwned\x07\u202egnp.exe` + "\n"},
		{name: "template on a terminal", template: "{{range .}}{{.token_name}}\t|{{end}}\n", tty: true, want: `evil\x1b]0;pwned\x07\u202egnp.exe` + "\t|\n"},
		{name: "piped output is the data as it is", jq: ".[0].token_name", want: "evil\x1b]0;pwned\x07\u202egnp.exe\n"},
		// json.Marshal escapes C0 itself; the bidi override is ours to escape.
		{name: "jq JSON pretty on a terminal", jq: ".[0]", tty: true, want: "{\n  \"token_name\": \"evil\\u001b]0;pwned\\u0007\\u202egnp.exe\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &outputFlags{format: newEnum("table", "table", "json"), now: time.Now}
			o.template.funcs = templateFuncs(time.Now)
			if tt.jq != "" {
				if err := o.jq.Set(tt.jq); err != nil {
					t.Fatal(err)
				}
			}
			if tt.template != "" {
				if err := o.template.Set(tt.template); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			streams := &IOStreams{Out: &out, ErrOut: &out, stdoutTTY: tt.tty}
			if err := o.writeJSON(streams, hostile); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTemplateTruncateCountsCharacters(t *testing.T) {
	truncate := templateFuncs(time.Now)["truncate"].(func(int, any) string)
	for _, tt := range []struct {
		n    int
		in   string
		want string
	}{
		{5, "short", "short"},
		{5, "longer name", "long…"},
		{3, "ääää", "ää…"},
		{0, "kept", "kept"},
	} {
		if got := truncate(tt.n, tt.in); got != tt.want {
			t.Errorf("truncate %d %q = %q, want %q", tt.n, tt.in, got, tt.want)
		}
	}
}
