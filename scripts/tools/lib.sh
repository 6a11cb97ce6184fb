# shellcheck shell=bash
# Shared helpers for the parts of scripts/test-tools.sh (sourced, not run).
# stamp_ok NAME: true when the stamp NAME exists (the part with exactly these pinned versions is installed).
stamp_ok() { [ -f "$TOOLS_DIR/stamps/$1" ]; }
# stamp_set NAME: record that NAME is installed, dropping older stamps of the same part (prefix before the first @).
stamp_set() { rm -f "$TOOLS_DIR/stamps/${1%%@*}"@*; touch "$TOOLS_DIR/stamps/$1"; }
log() { echo "test-tools: $*"; }
