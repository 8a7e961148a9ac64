package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

const formattingHelp = `--jq and --template work on the JSON a command prints with -o json, with the
same field names (token_name, expires_at, scopes, ...). Both imply -o json.

--jq EXPRESSION filters it with jq's language (gojq; no jq binary needed).
Each result prints on its own line; strings print raw, without quotes, so
--jq '.[].id' gives one ID per line. $ENV and env are empty.

--template TEMPLATE formats it with Go's text/template
(https://pkg.go.dev/text/template). Besides the built-in functions
(len, index, printf, eq, ...) these are available:

  json VALUE             VALUE as compact JSON
  join SEP LIST          the items of LIST joined with SEP
  pluck FIELD LIST       FIELD of every object in LIST
  timeago TIME           "3h ago", "in 6d" for an RFC 3339 time
  timefmt LAYOUT TIME    TIME in a Go layout, e.g. "2006-01-02"
  truncate N TEXT        TEXT cut to N characters, ending in "…"
  tablerow CELLS...      a row of a table whose columns are aligned at the end

The template adds no newline of its own: end it with {{"\n"}} or a real one.
An error in the expression or template is a usage error (exit 2), reported
before any request is sent.`

const formattingExamples = `  coder tokens ls --jq '.[] | select(.scopes | index("coder:all")) | .token_name'
  coder tokens ls --jq 'map(.id) | length'
  coder tokens ls --template '{{range .}}{{.token_name}} expires {{timeago .expires_at}}{{"\n"}}{{end}}'
  coder tokens ls --template '{{range .}}{{tablerow .token_name (join "," .scopes)}}{{end}}'
  coder whoami --template '{{.user.username}} on {{.url}}{{"\n"}}'`

// newFormattingTopic is 'coder help formatting', like gh's.
func newFormattingTopic() *cobra.Command {
	return &cobra.Command{
		Use:     "formatting",
		Short:   "Filter and format JSON output with --jq and --template",
		Long:    formattingHelp,
		Example: formattingExamples,
	}
}

func templateFuncs(now func() time.Time) template.FuncMap {
	return template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"join": func(sep string, list any) (string, error) {
			items, err := asList("join", list)
			if err != nil {
				return "", err
			}
			strs := make([]string, len(items))
			for i, item := range items {
				strs[i] = fmt.Sprint(item)
			}
			return strings.Join(strs, sep), nil
		},
		"pluck": func(field string, list any) ([]any, error) {
			items, err := asList("pluck", list)
			if err != nil {
				return nil, err
			}
			out := make([]any, 0, len(items))
			for _, item := range items {
				if m, ok := item.(map[string]any); ok {
					out = append(out, m[field])
				}
			}
			return out, nil
		},
		"timeago": func(ts any) (string, error) {
			t, err := asTime("timeago", ts)
			if err != nil {
				return "", err
			}
			return timeFormatter{relative: true, now: now()}.format(t), nil
		},
		"timefmt": func(layout string, ts any) (string, error) {
			t, err := asTime("timefmt", ts)
			if err != nil {
				return "", err
			}
			return t.Format(layout), nil
		},
		"truncate": func(n int, s any) string {
			text := fmt.Sprint(s)
			if n <= 0 || utf8.RuneCountInString(text) <= n {
				return text
			}
			runes := []rune(text)
			return string(runes[:n-1]) + "…"
		},
		// Placeholder for parsing; runTemplate binds the real one per run.
		"tablerow": func(cells ...any) string { return "" },
	}
}

func asList(fn string, v any) ([]any, error) {
	switch list := v.(type) {
	case []any:
		return list, nil
	case nil:
		return nil, nil
	case []string:
		out := make([]any, len(list))
		for i, s := range list {
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: want a list, got %T", fn, v)
}

func asTime(fn string, v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%s: want an RFC 3339 time, got %T", fn, v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: want an RFC 3339 time, got %q", fn, s)
	}
	return t, nil
}
