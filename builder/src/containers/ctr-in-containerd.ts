/**
 * ctr built into containerd's program, the way BusyBox holds its applets: one
 * Go file added to containerd's own `cmd/containerd` package (its plugin list
 * stays upstream's), and /usr/bin/ctr a symlink to /usr/bin/containerd. Run
 * as `ctr`, the program is ctr; under any other name, containerd.
 *
 * Why: the two are separate Go programs of 22.3 and 17.5 MB (x86_64) that
 * share most of what makes them big: the Go runtime, gRPC, protobuf and
 * containerd's API and client packages. Together they are 23.4 MB, 16 MB
 * less of the root file system held in RAM and unpacked at every boot.
 *
 * How: ctr runs from an init() of package main, which Go calls after every
 * imported package is initialised and before containerd's main(), and exits
 * there. Go orders a package's files by name, so this file's init() runs
 * before main.go's, which seeds math/rand; ctr seeds it itself, as its own
 * main package does. containerd itself never re-executes its program (its
 * shims are their own binary), so nothing else sees the symlink.
 */

/** The file's name in containerd's `cmd/containerd`, and the name under which the program is ctr. */
export const ctrInContainerdFile = 'cmd/containerd/imago_ctr.go';
export const ctrName = 'ctr';

export const ctrInContainerdSource = `// Added by imago: ctr built into containerd's program (builder/src/containers/ctr-in-containerd.ts).

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/containerd/containerd/cmd/ctr/app"
	"github.com/containerd/containerd/pkg/seed"
	"github.com/containerd/containerd/version"
	"github.com/urfave/cli"
)

func init() {
	if filepath.Base(os.Args[0]) != "${ctrName}" {
		return
	}
	seed.WithTimeAndRand()
	// Both programs' packages set urfave/cli's version printer, and containerd's
	// (with the revision) was set last: ctr prints its own line, as alone.
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Println(c.App.Name, version.Package, c.App.Version)
	}
	if err := app.New().Run(os.Args); err != nil {
		fmt.Fprintf(os.Stderr, "ctr: %s\\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}
`;
