package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"torg/internal/store"
)

// version prints what this build is: its module version, the commit it was built from, and the
// schema version it migrates a database to (a server's /readyz says the one its database has).
func version(stdout io.Writer) error {
	v, commit, modified := "(devel)", "unknown", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", with uncommitted changes"
				}
			}
		}
	}
	_, err := fmt.Fprintf(stdout, "torg %s (commit %s%s), schema %d\n", v, commit, modified, store.LatestSchema())
	return err
}
