// The etcd server, as a program of our own module so the pinned release builds through the module proxy (the
// upstream module carries replace directives, which `go install module@version` refuses).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
