#!/usr/bin/env bash
# Java and Go bindings of the jsii dependencies that the registries reachable here do not serve, built from the
# installed npm packages into node_modules/<dep>/dist/<lang>/ — where jsii-pacmak looks for local builds of
# dependencies (Maven: a local repository; Go: `replace` directives). Idempotent: a build is skipped when its
# output exists for the installed version. Run by `npx projen package-all` before the Java and Go packaging.
#   Maven: org.cdk8s:cdk8s-plus-30 is missing.
#   Go:    cdk8s-core-go, cdk8s-plus-go and constructs-go v10.3.0 are missing.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
PACMAK="$REPO_ROOT/node_modules/.bin/jsii-pacmak"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_SUPPORT_WARNING=1
TMP_LOG="$(mktemp)"
trap 'rm -f "$TMP_LOG"' EXIT

build() { # build LANG PACKAGE...
  local lang="$1"; shift
  local todo=()
  for pkg in "$@"; do
    local dir="node_modules/$pkg"
    local version
    version="$(node -p "require('./$dir/package.json').version")"
    if [[ -f "$dir/dist/$lang/.built-$version" ]]; then
      continue
    fi
    rm -rf "$dir/dist/$lang"
    todo+=("$dir")
  done
  if (( ${#todo[@]} == 0 )); then
    echo "bindings-deps: $lang bindings of $* present"
    return
  fi
  echo "bindings-deps: building $lang bindings of ${todo[*]}"
  local start=$SECONDS
  # Each dependency in its own pacmak run (in dependency order), so each one finds the ones before it.
  for dir in "${todo[@]}"; do
    "$PACMAK" "$dir" --target "$lang" --no-npmignore >"$TMP_LOG" 2>&1 || { cat "$TMP_LOG" >&2; exit 1; }
    touch "$dir/dist/$lang/.built-$(node -p "require('./$dir/package.json').version")"
  done
  echo "bindings-deps: $lang done in $((SECONDS - start)) s"
}

build java cdk8s-plus-30
build go constructs cdk8s cdk8s-plus-30
