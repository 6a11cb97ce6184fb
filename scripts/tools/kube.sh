#!/usr/bin/env bash
# TODO(kube): filled in by the kube fixture work.
set -euo pipefail
