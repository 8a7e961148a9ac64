package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// recipeMarker is how the README says which script tests the code block
// that follows: "… tested as `testdata/script/NAME.txtar` …".
var recipeMarker = regexp.MustCompile("(?i)tested as\\s+`(testdata/script/[a-z_]+\\.txtar)`")

// TestReadmeRecipesAreTested keeps the README's CI recipes and the scripts
// that run them the same text: the shell a recipe shows (a YAML run: block,
// GitLab script: lines, or a whole sh block) must be the recipe.sh file of
// the script it names, byte for byte.
func TestReadmeRecipesAreTested(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	recipes := readmeRecipes(string(readme))
	if len(recipes) < 3 {
		t.Fatalf("found %d tested recipes in README.md, want the GitHub, GitLab and cron ones", len(recipes))
	}
	for script, shown := range recipes {
		archive, err := txtar.ParseFile(filepath.Join("..", "..", script))
		if err != nil {
			t.Errorf("README.md names %s: %v", script, err)
			continue
		}
		var tested string
		found := false
		for _, f := range archive.Files {
			if f.Name == "recipe.sh" {
				tested, found = string(f.Data), true
			}
		}
		if !found {
			t.Errorf("%s has no recipe.sh file", script)
			continue
		}
		if tested != shown {
			t.Errorf("README.md shows a recipe that %s does not test:\nREADME:\n%s\nrecipe.sh:\n%s", script, shown, tested)
		}
	}
}

// readmeRecipes maps each script named by a marker to the shell of the
// first code block after it.
func readmeRecipes(readme string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(readme, "\n")
	pending, paragraph := "", ""
	for i := 0; i < len(lines); i++ {
		lang, isFence := strings.CutPrefix(lines[i], "```")
		if !isFence {
			// A marker may wrap across the lines of its paragraph.
			paragraph += " " + lines[i]
			if strings.TrimSpace(lines[i]) == "" {
				paragraph = ""
			}
			if m := recipeMarker.FindStringSubmatch(paragraph); m != nil {
				pending, paragraph = m[1], ""
			}
			continue
		}
		paragraph = ""
		if lang == "" {
			continue
		}
		var block []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			block = append(block, lines[i])
		}
		if pending == "" {
			continue
		}
		switch lang {
		case "yaml":
			out[pending] = shellOfYAML(block)
		default:
			out[pending] = strings.Join(block, "\n") + "\n"
		}
		pending = ""
	}
	return out
}

// shellOfYAML returns a CI file's shell: a `run: |` block, dedented, or the
// items of a `script:` list, one per line.
func shellOfYAML(block []string) string {
	var out []string
	for i, line := range block {
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if trimmed != "run: |" && trimmed != "script:" {
			continue
		}
		bodyIndent := -1
		for _, next := range block[i+1:] {
			nextIndent := len(next) - len(strings.TrimLeft(next, " "))
			if strings.TrimSpace(next) == "" || nextIndent <= indent {
				break
			}
			if trimmed == "script:" {
				item, ok := strings.CutPrefix(strings.TrimSpace(next), "- ")
				if !ok {
					break
				}
				out = append(out, item)
				continue
			}
			if bodyIndent < 0 {
				bodyIndent = nextIndent
			}
			out = append(out, next[min(nextIndent, bodyIndent):])
		}
		break
	}
	return strings.Join(out, "\n") + "\n"
}
