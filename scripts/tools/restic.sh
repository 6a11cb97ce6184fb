#!/usr/bin/env bash
# restic at the version src/core/images.ts pins for the backup CronJobs (Debian 12 ships 0.14.0, which lacks
# --retry-lock and other flags the scripts use), built from its Go module into the tools folder. Its bin/ comes first
# on the tests' PATH, so the real tier runs the pinned restic.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"

version="$(sed -n "s|.*new ContainerImage('docker.io/restic/restic', '\\([^']*\\)'.*|\\1|p" "$REPO_ROOT/src/core/images.ts" | head -n1)"
if [ -z "$version" ]; then
  echo "test-tools: restic: no restic image pinned in src/core/images.ts" >&2
  exit 1
fi
stamp="restic@$version"
bin="$TOOLS_DIR/bin"
if stamp_ok "$stamp" && [ -x "$bin/restic" ]; then
  log "restic: $version present"
  exit 0
fi
log "restic: building $version"
GOBIN="$bin" CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags='-s -w' "github.com/restic/restic/cmd/restic@v$version"
"$bin/restic" version
stamp_set "$stamp"
