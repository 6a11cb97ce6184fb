#!/usr/bin/env bash
# TODO(minio): filled in by the minio fixture work.
set -euo pipefail
