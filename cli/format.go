package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
)

// outputFlags is -o/--output plus gh's --jq and --template, which imply JSON:
// every command that can print JSON can also filter or format it, so minimal
// CI images need no jq binary.
type outputFlags struct {
	format   *enumValue
	jq       jqValue
	template templateValue
	now      func() time.Time
}

// addOutputFlag registers -o/--output with its env twin and completion and,
// when JSON is a choice, --jq and --template. Both are compiled while flags
// are parsed, so a bad expression is a usage error before any request.
func addOutputFlag(cmd *cobra.Command, choices ...string) *outputFlags {
	o := &outputFlags{format: newEnum(choices[0], choices...), now: time.Now}
	cmd.Flags().VarP(o.format, "output", "o", "Output format")
	withEnv(cmd.Flags(), "output", "CODER_OUTPUT")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp))
	if !o.format.allows("json") {
		return o
	}
	o.template.funcs = templateFuncs(func() time.Time { return o.now() })
	cmd.Flags().Var(&o.jq, "jq", "Filter the JSON output with a jq `expression` (implies -o json; strings print raw)")
	cmd.Flags().Var(&o.template, "template", "Format the JSON output with a Go `template` (implies -o json; see 'coder help formatting')")
	for _, name := range []string{"jq", "template"} {
		withoutEnv(cmd.Flags(), name, "an expression is written for one command's JSON")
	}
	noCompletion := cobra.NoFileCompletions
	_ = cmd.RegisterFlagCompletionFunc("jq", noCompletion)
	_ = cmd.RegisterFlagCompletionFunc("template", noCompletion)
	return o
}

func (e *enumValue) allows(choice string) bool {
	for _, c := range e.choices {
		if c == choice {
			return true
		}
	}
	return false
}

// String is the effective format: "json" whenever --jq or --template is set.
func (o *outputFlags) String() string {
	if o.jq.code != nil || o.template.tmpl != nil {
		return "json"
	}
	return o.format.String()
}

// checkOutputFlags rejects combinations that cannot both be honoured. An -o
// from $CODER_OUTPUT or config.yaml yields to --jq; one given on the command
// line is a contradiction worth pointing out.
func checkOutputFlags(cmd *cobra.Command, sources map[string]valueSource) error {
	jq, tpl := cmd.Flags().Lookup("jq"), cmd.Flags().Lookup("template")
	if jq == nil || tpl == nil {
		return nil
	}
	if jq.Changed && tpl.Changed {
		return withHint(usageErrorf("--jq and --template cannot be used together"),
			"a template can do what the jq expression does: see 'coder help formatting'")
	}
	if !jq.Changed && !tpl.Changed {
		return nil
	}
	used := "--jq"
	if tpl.Changed {
		used = "--template"
	}
	if out := cmd.Flags().Lookup("output"); out != nil && sources["output"] == sourceFlag && out.Value.String() != "json" {
		return withHint(usageErrorf("%s formats JSON, but -o %s was given", used, out.Value.String()),
			fmt.Sprintf("drop -o (%s implies -o json)", used))
	}
	return nil
}

// writeJSON prints v as indented JSON, or through --jq or --template.
func (o *outputFlags) writeJSON(streams *IOStreams, v any) error {
	if o.jq.code == nil && o.template.tmpl == nil {
		return writeJSON(streams.Out, v)
	}
	// Both work on the JSON document, with its field names, as gh's do.
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // 86400 stays 86400, not 8.64e+04
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("decode output: %w", err)
	}
	var buf bytes.Buffer
	if o.jq.code != nil {
		err = runJQ(&buf, o.jq.code, doc, streams.IsStdoutTTY())
	} else {
		err = runTemplate(&buf, o.template.tmpl, doc)
	}
	out := buf.String()
	if streams.IsStdoutTTY() {
		out = safetext.EscapeLines(out) // the result is text for eyes, not JSON a program reads
	}
	if _, werr := io.WriteString(streams.Out, out); werr != nil {
		return werr
	}
	return err
}

func runJQ(w io.Writer, code *gojq.Code, doc any, pretty bool) error {
	iter := code.Run(doc)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if ok := asHalt(err, &halt); ok && halt.Value() == nil {
				return nil
			}
			return usageErrorf("--jq: %w", err)
		}
		if s, isString := v.(string); isString {
			fmt.Fprintln(w, s)
			continue
		}
		var encoded []byte
		var err error
		if pretty {
			encoded, err = json.MarshalIndent(v, "", "  ")
		} else {
			encoded, err = gojq.Marshal(v)
		}
		if err != nil {
			return fmt.Errorf("--jq: encode result: %w", err)
		}
		fmt.Fprintln(w, string(encoded))
	}
}

func asHalt(err error, target **gojq.HaltError) bool {
	h, ok := err.(*gojq.HaltError)
	if ok {
		*target = h
	}
	return ok
}

func runTemplate(w io.Writer, tmpl *template.Template, doc any) error {
	// tablerow cells are aligned when the template finishes.
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	t, err := tmpl.Clone()
	if err != nil {
		return err
	}
	t.Funcs(template.FuncMap{"tablerow": func(cells ...any) string {
		strs := make([]string, len(cells))
		for i, c := range cells {
			strs[i] = fmt.Sprint(c)
		}
		fmt.Fprintln(tw, strings.Join(strs, "\t"))
		return ""
	}})
	var body bytes.Buffer
	if err := t.Execute(&body, doc); err != nil {
		return usageErrorf("--template: %w", err)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = w.Write(body.Bytes())
	return err
}

// jqValue compiles its expression when the flag is parsed. $ENV and env see
// no environment: a filter must not be a way to print $CODER_SESSION_TOKEN.
type jqValue struct {
	expr string
	code *gojq.Code
}

func (j *jqValue) String() string { return j.expr }
func (j *jqValue) Type() string   { return "expression" }
func (j *jqValue) Set(s string) error {
	query, err := gojq.Parse(s)
	if err != nil {
		return fmt.Errorf("invalid jq expression: %w", err)
	}
	code, err := gojq.Compile(query, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return fmt.Errorf("invalid jq expression: %w", err)
	}
	j.expr, j.code = s, code
	return nil
}

type templateValue struct {
	src   string
	tmpl  *template.Template
	funcs template.FuncMap
}

func (t *templateValue) String() string { return t.src }
func (t *templateValue) Type() string   { return "template" }
func (t *templateValue) Set(s string) error {
	tmpl, err := template.New("--template").Funcs(t.funcs).Parse(s)
	if err != nil {
		return fmt.Errorf("invalid template: %w", err)
	}
	t.src, t.tmpl = s, tmpl
	return nil
}
