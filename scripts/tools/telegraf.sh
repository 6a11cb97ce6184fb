#!/usr/bin/env bash
# Telegraf at the release src/core/images.ts pins for the IoT site's ingest (no Debian package), built from its Go
# module into the tools folder with only the plugins TelegrafIngest's config uses (Telegraf's `custom` build tag plus
# one tag per plugin), which keeps the cold build to a few minutes. A plugin missing here makes Telegraf refuse the
# config ("undefined but requested"), so a config that gains a plugin fails the real test until it is added below.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"

tag="$(sed -n "s|.*new ContainerImage('docker.io/library/telegraf', '\\([^']*\\)'.*|\\1|p" "$REPO_ROOT/src/core/images.ts" | head -n1)"
version="${tag%%-*}" # 1.36.2-alpine -> 1.36.2
if [ -z "$version" ]; then
  echo "test-tools: telegraf: no telegraf image pinned in src/core/images.ts" >&2
  exit 1
fi
plugins="inputs.influxdb_v2_listener,inputs.internal,outputs.influxdb_v2,outputs.kafka,outputs.health,parsers.influx,serializers.json"
stamp="telegraf@$version+$(printf '%s' "$plugins" | sha256sum | cut -c1-8)"
bin="$TOOLS_DIR/bin"
if stamp_ok "$stamp" && [ -x "$bin/telegraf" ]; then
  log "telegraf: $version present"
  exit 0
fi
log "telegraf: building $version (plugins: $plugins)"
GOBIN="$bin" CGO_ENABLED=0 nice -n 10 go install -trimpath -tags "custom,$plugins" \
  -ldflags="-s -w -X github.com/influxdata/telegraf/internal.Version=$version" \
  "github.com/influxdata/telegraf/cmd/telegraf@v$version"
"$bin/telegraf" --version
stamp_set "$stamp"
