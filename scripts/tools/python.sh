#!/usr/bin/env bash
# pip packages in a virtualenv under the tools folder: moto with its server extra (an S3 "cloud" on loopback).
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"
MOTO_VERSION=5.2.5
stamp="python@moto-$MOTO_VERSION"
if stamp_ok "$stamp" && [ -x "$TOOLS_DIR/venv/bin/moto_server" ]; then
  log "python: moto $MOTO_VERSION present"
else
  rm -rf "$TOOLS_DIR/venv"
  python3 -m venv "$TOOLS_DIR/venv"
  "$TOOLS_DIR/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  stamp_set "$stamp"
fi
ln -sf "$TOOLS_DIR/venv/bin/moto_server" "$TOOLS_DIR/bin/moto_server"
