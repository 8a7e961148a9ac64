package coderdtest

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Organization is a seeded organization. The default one is named "coder", as on a
// fresh deployment, and every user is a member of it.
type Organization struct {
	ID        uuid.UUID
	Name      string
	IsDefault bool
}

// Template is a seeded template; it always has an active version.
type Template struct {
	ID              uuid.UUID
	OrganizationID  uuid.UUID
	Name            string
	ActiveVersionID uuid.UUID
}

// TemplateVersion is one version of a template; RBAC checks it as its template.
type TemplateVersion struct {
	ID             uuid.UUID
	TemplateID     uuid.UUID
	OrganizationID uuid.UUID
	Name           string
}

// Group is a seeded group (a Premium feature upstream).
type Group struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	Members        []uuid.UUID
}

// Workspace is a seeded workspace. Its latest build uses TemplateVersionID. A dormant
// workspace (DormantAt set) is typed workspace_dormant by RBAC.
type Workspace struct {
	ID                uuid.UUID
	OwnerID           uuid.UUID
	OrganizationID    uuid.UUID
	TemplateID        uuid.UUID
	TemplateVersionID uuid.UUID
	BuildID           uuid.UUID
	Name              string
	DormantAt         *time.Time
	CreatedAt         time.Time
}

// objects holds every seeded non-user object; guarded by Server.mu.
type objects struct {
	orgs       []*Organization
	members    map[uuid.UUID]map[uuid.UUID]bool // organization → user IDs
	templates  []*Template
	versions   []*TemplateVersion
	groups     []*Group
	workspaces []*Workspace
}

const defaultOrgName = "coder"

func (s *Server) seedDefaultOrganizationLocked() {
	s.objects.members = map[uuid.UUID]map[uuid.UUID]bool{}
	org := &Organization{ID: uuid.New(), Name: defaultOrgName, IsDefault: true}
	s.objects.orgs = append(s.objects.orgs, org)
	s.objects.members[org.ID] = map[uuid.UUID]bool{}
}

func (s *Server) defaultOrgLocked() *Organization { return s.objects.orgs[0] }

// DefaultOrganization returns the organization every user belongs to.
func (s *Server) DefaultOrganization() Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.defaultOrgLocked()
}

// AddOrganization seeds an organization with the given members. A taken name panics.
func (s *Server) AddOrganization(name string, members ...User) Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgByNameLocked(name) != nil {
		panic(fmt.Sprintf("coderdtest: organization %q already exists", name))
	}
	org := &Organization{ID: uuid.New(), Name: name}
	s.objects.orgs = append(s.objects.orgs, org)
	s.objects.members[org.ID] = map[uuid.UUID]bool{}
	for _, u := range members {
		s.objects.members[org.ID][u.ID] = true
	}
	return *org
}

// AddTemplate seeds a template in org with an active version named "v1".
func (s *Server) AddTemplate(org uuid.UUID, name string) Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgByIDLocked(org) == nil {
		panic(fmt.Sprintf("coderdtest: AddTemplate: unknown organization %s", org))
	}
	if s.templateByNameLocked(org, name) != nil {
		panic(fmt.Sprintf("coderdtest: template %q already exists", name))
	}
	tpl := &Template{ID: uuid.New(), OrganizationID: org, Name: name}
	s.objects.templates = append(s.objects.templates, tpl)
	tpl.ActiveVersionID = s.addVersionLocked(tpl, "v1").ID
	return *tpl
}

// AddTemplateVersion seeds another version of a template and, if activate, makes it the
// active one. Existing workspaces keep building with the version they had.
func (s *Server) AddTemplateVersion(template uuid.UUID, name string, activate bool) TemplateVersion {
	s.mu.Lock()
	defer s.mu.Unlock()
	tpl := s.templateByIDLocked(template)
	if tpl == nil {
		panic(fmt.Sprintf("coderdtest: AddTemplateVersion: unknown template %s", template))
	}
	v := s.addVersionLocked(tpl, name)
	if activate {
		tpl.ActiveVersionID = v.ID
	}
	return v
}

func (s *Server) addVersionLocked(tpl *Template, name string) TemplateVersion {
	v := &TemplateVersion{ID: uuid.New(), TemplateID: tpl.ID, OrganizationID: tpl.OrganizationID, Name: name}
	s.objects.versions = append(s.objects.versions, v)
	return *v
}

// AddGroup seeds a group in org with the given members.
func (s *Server) AddGroup(org uuid.UUID, name string, members ...User) Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgByIDLocked(org) == nil {
		panic(fmt.Sprintf("coderdtest: AddGroup: unknown organization %s", org))
	}
	if s.groupByNameLocked(org, name) != nil {
		panic(fmt.Sprintf("coderdtest: group %q already exists", name))
	}
	g := &Group{ID: uuid.New(), OrganizationID: org, Name: name}
	for _, u := range members {
		g.Members = append(g.Members, u.ID)
	}
	s.objects.groups = append(s.objects.groups, g)
	return *g
}

// AddWorkspace seeds owner's workspace built from the template's active version, in the
// template's organization. Unknown owners or templates and taken names panic.
func (s *Server) AddWorkspace(owner User, name string, template uuid.UUID) Workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByIDLocked(owner.ID) == nil {
		panic(fmt.Sprintf("coderdtest: AddWorkspace: unknown user %s", owner.ID))
	}
	tpl := s.templateByIDLocked(template)
	if tpl == nil {
		panic(fmt.Sprintf("coderdtest: AddWorkspace: unknown template %s", template))
	}
	if s.workspaceByNameLocked(owner.ID, name) != nil {
		panic(fmt.Sprintf("coderdtest: %s already has a workspace named %q", owner.Username, name))
	}
	ws := &Workspace{
		ID: uuid.New(), OwnerID: owner.ID, OrganizationID: tpl.OrganizationID,
		TemplateID: tpl.ID, TemplateVersionID: tpl.ActiveVersionID, BuildID: uuid.New(),
		Name: name, CreatedAt: s.now(),
	}
	s.objects.workspaces = append(s.objects.workspaces, ws)
	return *ws
}

// SetWorkspaceDormant marks a workspace dormant (from now) or active again.
func (s *Server) SetWorkspaceDormant(id uuid.UUID, dormant bool) Workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.workspaceByIDLocked(id)
	if ws == nil {
		panic(fmt.Sprintf("coderdtest: SetWorkspaceDormant: unknown workspace %s", id))
	}
	ws.DormantAt = nil
	if dormant {
		at := s.now()
		ws.DormantAt = &at
	}
	return *ws
}

func (s *Server) orgByIDLocked(id uuid.UUID) *Organization {
	for _, o := range s.objects.orgs {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// orgByNameLocked matches names case-insensitively, as coderd's lookups do.
func (s *Server) orgByNameLocked(name string) *Organization {
	for _, o := range s.objects.orgs {
		if strings.EqualFold(o.Name, name) {
			return o
		}
	}
	return nil
}

// orgByParamLocked is ExtractOrganizationParam: "default", a UUID or a name.
func (s *Server) orgByParamLocked(param string) *Organization {
	if param == "default" {
		return s.defaultOrgLocked()
	}
	if id, err := uuid.Parse(param); err == nil {
		return s.orgByIDLocked(id)
	}
	return s.orgByNameLocked(param)
}

// orgIDsOfLocked lists the organizations user belongs to, default first.
func (s *Server) orgIDsOfLocked(user uuid.UUID) []uuid.UUID {
	ids := []uuid.UUID{}
	for _, o := range s.objects.orgs {
		if s.objects.members[o.ID][user] {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

func (s *Server) templateByIDLocked(id uuid.UUID) *Template {
	for _, t := range s.objects.templates {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (s *Server) templateByNameLocked(org uuid.UUID, name string) *Template {
	for _, t := range s.objects.templates {
		if t.OrganizationID == org && strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

func (s *Server) versionByIDLocked(id uuid.UUID) *TemplateVersion {
	for _, v := range s.objects.versions {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (s *Server) groupByIDLocked(id uuid.UUID) *Group {
	for _, g := range s.objects.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (s *Server) groupByNameLocked(org uuid.UUID, name string) *Group {
	for _, g := range s.objects.groups {
		if g.OrganizationID == org && g.Name == name {
			return g
		}
	}
	return nil
}

func (s *Server) workspaceByIDLocked(id uuid.UUID) *Workspace {
	for _, w := range s.objects.workspaces {
		if w.ID == id {
			return w
		}
	}
	return nil
}

func (s *Server) workspaceByNameLocked(owner uuid.UUID, name string) *Workspace {
	for _, w := range s.objects.workspaces {
		if w.OwnerID == owner && strings.EqualFold(w.Name, name) {
			return w
		}
	}
	return nil
}

// UserByUsername returns a seeded user by username (case-insensitive).
func (s *Server) UserByUsername(username string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByUsernameLocked(username); u != nil && !u.system {
		return u.User, true
	}
	return User{}, false
}

// TemplateByName returns the template called name in org.
func (s *Server) TemplateByName(org uuid.UUID, name string) (Template, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.templateByNameLocked(org, name); t != nil {
		return *t, true
	}
	return Template{}, false
}

// OrganizationByName returns an organization by name (case-insensitive).
func (s *Server) OrganizationByName(name string) (Organization, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgByNameLocked(name); o != nil {
		return *o, true
	}
	return Organization{}, false
}
