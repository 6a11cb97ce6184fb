#!/usr/bin/env bash
# TODO(kafka): filled in by the kafka fixture work.
set -euo pipefail
