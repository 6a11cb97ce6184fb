#!/usr/bin/env bash
# Installs every program the real-program test tier uses, idempotently. Debian packages go system-wide (apt); pip,
# Go and Maven builds go under the tools folder ($EDGE_TOOLS_DIR, default .tools/ in the repository, git-ignored),
# each part guarded by a stamp naming its pinned versions, so a second run with everything present takes seconds.
# Usage: bash scripts/test-tools.sh [part …]   (parts: apt python kube minio kafka restic telegraf; default: all)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$here/.." && pwd)"
export REPO_ROOT
export TOOLS_DIR="${EDGE_TOOLS_DIR:-$REPO_ROOT/.tools}"
mkdir -p "$TOOLS_DIR/bin" "$TOOLS_DIR/stamps"
parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(apt python kube minio kafka restic telegraf)
start=$(date +%s)
for part in "${parts[@]}"; do
  t0=$(date +%s)
  bash "$here/tools/$part.sh"
  echo "test-tools: $part ready ($(( $(date +%s) - t0 )) s)"
done
echo "test-tools: all ready in $(( $(date +%s) - start )) s (tools folder $TOOLS_DIR)"
