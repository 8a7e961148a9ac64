package main

import (
	"flag"
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/scopedtokens/coder/internal/coderdtest"
)

// Script commands that seed the objects allow lists name. Each exports the IDs a
// script needs as env vars under a prefix (default per command).

func seedUser(ts *testscript.TestScript, srv *coderdtest.Server, username string) coderdtest.User {
	u, ok := srv.UserByUsername(username)
	if !ok {
		u = srv.AddUser(username, false)
	}
	return u
}

// orgParam finds an organization by name ("" = the default one).
func orgParam(ts *testscript.TestScript, srv *coderdtest.Server, name string) coderdtest.Organization {
	org := srv.DefaultOrganization()
	if name != "" && name != org.Name {
		found, ok := srv.OrganizationByName(name)
		if !ok {
			ts.Fatalf("no organization %q: seed it with 'org %s'", name, name)
		}
		org = found
	}
	return org
}

// template [-org ORG] NAME [PREFIX] seeds a template (if missing) and exports
// PREFIX_ID and PREFIX_VERSION_ID (its active version); PREFIX defaults to TEMPLATE.
func cmdTemplate(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	orgName := fs.String("org", "", "organization name (default: the default one)")
	if err := fs.Parse(args); err != nil || fs.NArg() < 1 || fs.NArg() > 2 {
		ts.Fatalf("usage: template [-org ORG] NAME [PREFIX]")
	}
	srv := server(ts)
	tpl := ensureTemplate(ts, srv, orgParam(ts, srv, *orgName), fs.Arg(0))
	prefix := prefixOr(fs.Arg(1), "TEMPLATE")
	ts.Setenv(prefix+"_ID", tpl.ID.String())
	ts.Setenv(prefix+"_VERSION_ID", tpl.ActiveVersionID.String())
}

func ensureTemplate(ts *testscript.TestScript, srv *coderdtest.Server, org coderdtest.Organization, name string) coderdtest.Template {
	if tpl, ok := srv.TemplateByName(org.ID, name); ok {
		return tpl
	}
	return srv.AddTemplate(org.ID, name)
}

// workspace [-template NAME] [-dormant] OWNER/NAME [PREFIX] seeds a workspace
// (creating the owner as a member and the template in the default organization
// if missing) and exports PREFIX_ID, PREFIX_OWNER_ID, PREFIX_ORG_ID,
// PREFIX_TEMPLATE_ID and PREFIX_VERSION_ID (its latest build's template version);
// PREFIX defaults to WS.
func cmdWorkspace(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("workspace", flag.ContinueOnError)
	template := fs.String("template", "docker", "template name in the default organization")
	dormant := fs.Bool("dormant", false, "mark the workspace dormant")
	if err := fs.Parse(args); err != nil || fs.NArg() < 1 || fs.NArg() > 2 {
		ts.Fatalf("usage: workspace [-template NAME] [-dormant] OWNER/NAME [PREFIX]")
	}
	owner, name, ok := strings.Cut(fs.Arg(0), "/")
	if !ok || owner == "" || name == "" {
		ts.Fatalf("workspace: want OWNER/NAME, got %q", fs.Arg(0))
	}
	srv := server(ts)
	user := seedUser(ts, srv, owner)
	tpl := ensureTemplate(ts, srv, srv.DefaultOrganization(), *template)
	ws := srv.AddWorkspace(user, name, tpl.ID)
	if *dormant {
		ws = srv.SetWorkspaceDormant(ws.ID, true)
	}
	prefix := prefixOr(fs.Arg(1), "WS")
	ts.Setenv(prefix+"_ID", ws.ID.String())
	ts.Setenv(prefix+"_OWNER_ID", ws.OwnerID.String())
	ts.Setenv(prefix+"_ORG_ID", ws.OrganizationID.String())
	ts.Setenv(prefix+"_TEMPLATE_ID", ws.TemplateID.String())
	ts.Setenv(prefix+"_VERSION_ID", ws.TemplateVersionID.String())
}

// group [-org ORG] NAME [MEMBER...] seeds a group and exports GROUP_ID.
func cmdGroup(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("group", flag.ContinueOnError)
	orgName := fs.String("org", "", "organization name (default: the default one)")
	if err := fs.Parse(args); err != nil || fs.NArg() < 1 {
		ts.Fatalf("usage: group [-org ORG] NAME [MEMBER...]")
	}
	srv := server(ts)
	var members []coderdtest.User
	for _, username := range fs.Args()[1:] {
		members = append(members, seedUser(ts, srv, username))
	}
	g := srv.AddGroup(orgParam(ts, srv, *orgName).ID, fs.Arg(0), members...)
	ts.Setenv("GROUP_ID", g.ID.String())
}

// org NAME [MEMBER...] seeds an organization and exports NEW_ORG_ID.
func cmdOrg(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: org NAME [MEMBER...]")
	}
	srv := server(ts)
	var members []coderdtest.User
	for _, username := range args[1:] {
		members = append(members, seedUser(ts, srv, username))
	}
	org := srv.AddOrganization(args[0], members...)
	ts.Setenv("NEW_ORG_ID", org.ID.String())
}

func prefixOr(prefix, fallback string) string {
	if prefix == "" {
		return fallback
	}
	return prefix
}

// writekey PATH writes $KEY to PATH (mode 0600), for --key-file.
func cmdWriteKey(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: writekey PATH")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(ts.Getenv("KEY")+"\n"), 0o600))
}
