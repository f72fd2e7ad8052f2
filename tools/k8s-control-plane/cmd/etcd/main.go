// Command etcd is the etcd server, built at the version k8s.io/kubernetes
// v1.36.3 itself requires, so the test control plane needs no downloaded binary.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
