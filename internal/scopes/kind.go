package scopes

import (
	"fmt"
	"strings"
)

// Kind classifies a scope name.
type Kind int

const (
	// KindSpecial is a built-in scope: coder:all or coder:application_connect.
	KindSpecial Kind = iota
	// KindComposite is a coder:… bundle such as coder:workspaces.access.
	KindComposite
	// KindLowLevel is a single resource:action pair such as workspace:read.
	KindLowLevel
	// KindWildcard is resource:*, every action on one resource type.
	KindWildcard
)

func (k Kind) String() string {
	switch k {
	case KindSpecial:
		return "special"
	case KindComposite:
		return "composite"
	case KindLowLevel:
		return "low-level"
	case KindWildcard:
		return "wildcard"
	default:
		return fmt.Sprintf("Kind(%d)", int(k))
	}
}

const (
	scopeAll                = "coder:all"
	scopeApplicationConnect = "coder:application_connect"
)

// kindOf classifies a canonical name by its shape alone.
func kindOf(name string) Kind {
	switch {
	case name == scopeAll || name == scopeApplicationConnect:
		return KindSpecial
	case strings.HasPrefix(name, "coder:"):
		return KindComposite
	case strings.HasSuffix(name, ":*"):
		return KindWildcard
	default:
		return KindLowLevel
	}
}
