package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version is the release version, set at build time with
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/elevatepay
//
// When empty, the module version recorded by the Go toolchain is used ("devel" when unknown).
var version string

// versionString describes the running binary: version, commit and toolchain.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return describeVersion(version, bi)
}

// describeVersion renders v (or else the build info's module version) with the VCS commit
// and whether the working tree had local modifications.
func describeVersion(v string, bi *debug.BuildInfo) string {
	commit, modified, goVersion := "", false, ""
	if bi != nil {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "elevatepay %s", v)
	switch {
	case commit == "":
		b.WriteString(" (commit unknown")
	default:
		fmt.Fprintf(&b, " (commit %s", commit)
		if modified {
			b.WriteString(", with local modifications")
		}
	}
	if goVersion != "" {
		fmt.Fprintf(&b, ", %s", goVersion)
	}
	b.WriteString(")")
	return b.String()
}
