package coderdtest

// Demo is what SeedDemo created: one of each object a one-workspace token touches.
type Demo struct {
	Organization Organization
	Template     Template
	Workspace    Workspace // admin/dev
	MemberWS     Workspace // member/dev
	Group        Group
}

// SeedDemo seeds the default organization with a "docker" template, workspaces
// "admin/dev" and "member/dev" and a group "devs" holding the member, for demos and
// manual runs.
func (s *Server) SeedDemo() Demo {
	d := Demo{Organization: s.DefaultOrganization()}
	d.Template = s.AddTemplate(d.Organization.ID, "docker")
	d.Workspace = s.AddWorkspace(s.Owner, "dev", d.Template.ID)
	d.MemberWS = s.AddWorkspace(s.Member, "dev", d.Template.ID)
	d.Group = s.AddGroup(d.Organization.ID, "devs", s.Member)
	return d
}
