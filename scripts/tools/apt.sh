#!/usr/bin/env bash
# Debian packages: servers and clients the real tier runs (system-wide; apt caches them itself).
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"
need=()
for pair in nginx:nginx redis-server:redis-server redis-cli:redis-tools rclone:rclone \
  shellcheck:shellcheck busybox:busybox curl:curl openssl:openssl unshare:util-linux setpriv:util-linux mkfs.ext4:e2fsprogs; do
  bin="${pair%%:*}" pkg="${pair##*:}"
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need+=("$pkg")
done
if [ "${#need[@]}" -eq 0 ]; then
  log "apt: all present"
  exit 0
fi
log "apt: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
