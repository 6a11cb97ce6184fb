#!/usr/bin/env bash
# MinIO server and mc (test fixtures only, AGPL: built into the tools folder, never part of the package) at the
# releases src/core/images.ts pins. MinIO tags releases as RELEASE.<date>, which is not a module version, so the
# module proxy serves them as pseudo-versions of the tagged commit; the table below maps each pinned release to
# that pseudo-version (commit time + 12-hex commit id of the tag). Bump images.ts and this table together.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"

images="$REPO_ROOT/src/core/images.ts"
pinned() { # pinned <repository>: the tag images.ts pins for that image repository
  sed -n "s|.*new ContainerImage('$1', '\\([^']*\\)'.*|\\1|p" "$images" | head -n1
}
server_release="$(pinned quay.io/minio/minio)"
client_release="$(pinned quay.io/minio/mc)"

# release tag -> "module pseudo-version full-commit-id"
module_of() {
  case "$1" in
    RELEASE.2025-09-07T16-13-09Z) echo "github.com/minio/minio v0.0.0-20250907161309-07c3a429bfed 07c3a429bfed433e49018cb0f78a52145d4bedeb" ;;
    RELEASE.2025-08-13T08-35-41Z) echo "github.com/minio/mc v0.0.0-20250813083541-7394ce0dd2a8 7394ce0dd2a80935aded936b09fa12cbb3cb8096" ;;
    *) return 1 ;;
  esac
}

for rel in "$server_release" "$client_release"; do
  if [ -z "$rel" ] || ! module_of "$rel" >/dev/null; then
    echo "test-tools: minio: no module version known for release '${rel:-?}' pinned in src/core/images.ts;" \
      "add it to the table in scripts/tools/minio.sh" >&2
    exit 1
  fi
done

stamp="minio@${server_release#RELEASE.}+mc-${client_release#RELEASE.}"
bin="$TOOLS_DIR/bin"
if stamp_ok "$stamp" && [ -x "$bin/minio" ] && [ -x "$bin/mc" ]; then
  log "minio: $server_release and mc $client_release present"
  exit 0
fi

# build <binary> <release> <package suffix>: go install the module's main package at the pinned pseudo-version,
# with the version variables its release builds set (the server reports them in `mc admin info`).
build() {
  local name="$1" rel="$2" module version commit date cmd
  read -r module version commit <<<"$(module_of "$rel")"
  # RELEASE.2025-09-07T16-13-09Z -> 2025-09-07T16:13:09Z (the form the release builds use as Version)
  date="${rel#RELEASE.}"
  date="${date:0:13}:${date:14:2}:${date:17}"
  cmd="$module/cmd"
  log "minio: building $name $rel ($module@$version)"
  GOBIN="$bin" CGO_ENABLED=0 nice -n 10 go install -trimpath \
    -ldflags="-s -w -X $cmd.Version=$date -X $cmd.ReleaseTag=$rel -X $cmd.CommitID=$commit -X $cmd.ShortCommitID=${commit:0:12} -X $cmd.CopyrightYear=${date:0:4}" \
    "$module@$version"
}

build minio "$server_release"
build mc "$client_release"
"$bin/minio" --version | head -n1
"$bin/mc" --version | head -n1
stamp_set "$stamp"
