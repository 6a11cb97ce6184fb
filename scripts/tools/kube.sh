#!/usr/bin/env bash
# Kubernetes control plane for the real tier: kube-apiserver (k8s.io/kubernetes) and the etcd server, built from Go
# modules through the module proxy. The pinned versions live in the two small modules of ours under
# scripts/tools/kube/ (apiserver/go.mod replaces every k8s.io staging module with its release of the same minor;
# etcd/go.mod pins the etcd server); this script reads them from there, so bumping a version is one go.mod edit
# (then `go mod tidy` in that folder) and the stamp makes the next run rebuild.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"
mods="$REPO_ROOT/scripts/tools/kube"
# required_version MODULE GO_MOD: the version GO_MOD requires of MODULE (single-line or block form).
required_version() {
  awk -v m="$1" '{ if ($1 == "require") { n = $2; v = $3 } else { n = $1; v = $2 } }
    n == m && v ~ /^v[0-9]/ { print v; exit }' "$2"
}
kube_version="$(required_version k8s.io/kubernetes "$mods/apiserver/go.mod")"
etcd_version="$(required_version go.etcd.io/etcd/server/v3 "$mods/etcd/go.mod")"
if [ -z "$kube_version" ] || [ -z "$etcd_version" ]; then
  log "kube: cannot read the pinned versions from $mods"
  exit 1
fi
stamp="kube@${kube_version#v}+etcd${etcd_version#v}"
bin="$TOOLS_DIR/bin"
if stamp_ok "$stamp" && [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ]; then
  log "kube: kube-apiserver $kube_version and etcd $etcd_version present"
  exit 0
fi
# Both modules need Go >= 1.26.0 (their go directive); the machine's Go is enough, no toolchain download.
export CGO_ENABLED=0
log "kube: building etcd $etcd_version"
(cd "$mods/etcd" && nice -n 10 go build -trimpath -buildvcs=false -ldflags='-s -w' -o "$bin/etcd.new" .)
mv "$bin/etcd.new" "$bin/etcd"
# The apiserver reports the version it was built from (/version, and the emulation-version defaults use it).
minor="${kube_version#v1.}"
minor="${minor%%.*}"
vpkg=k8s.io/component-base/version
ldflags="-s -w -X $vpkg.gitVersion=$kube_version -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean"
log "kube: building kube-apiserver $kube_version (the first build takes several minutes)"
(cd "$mods/apiserver" && nice -n 10 go build -trimpath -buildvcs=false -ldflags="$ldflags" -o "$bin/kube-apiserver.new" k8s.io/kubernetes/cmd/kube-apiserver)
mv "$bin/kube-apiserver.new" "$bin/kube-apiserver"
stamp_set "$stamp"
log "kube: installed $("$bin/kube-apiserver" --version) and etcd $etcd_version into $bin"
