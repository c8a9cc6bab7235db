#!/usr/bin/env bash
# Compares every machine folder under reports/ against the first one, into reports/compare/.
#
# Usage: scripts/compare-all.sh [REPORTS_DIR] [compare options...]
#   REPORTS_DIR  folder holding one report folder per machine (default: reports/)
#   options      passed on to `concbench compare`, e.g. --allow-profile-mismatch,
#                --threshold 10%, --chart-format svg
#
# A thin wrapper over `concbench compare REPORTS_DIR --out REPORTS_DIR/compare`: a machine
# folder is any folder of REPORTS_DIR holding results.json, except REPORTS_DIR/compare itself.
# The first in name order is the base; set BASE=<folder name> to pick another (it becomes
# --baseline). With more than three machines the comparison leads with the fleet table and
# charts. concbench is run with `cargo run --release --` (so this works from a clean clone);
# set CONCBENCH=/path/to/concbench to use a built binary instead.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 0 && "$1" != -* ]]; then
    reports="${1%/}"
    shift
else
    # Relative paths, so the committed compare.md names reports/<machine>/results.json.
    cd "$root"
    reports="reports"
fi

if [[ ! -d "$reports" ]]; then
    echo "compare-all: $reports does not exist; run \`cargo bench\` on each machine and commit its reports/<machine>/ folder first" >&2
    exit 1
fi

if [[ -n "${CONCBENCH:-}" ]]; then
    concbench=("$CONCBENCH")
else
    concbench=(cargo run --quiet --release --manifest-path "$root/Cargo.toml" --)
fi

baseline=()
if [[ -n "${BASE:-}" ]]; then
    baseline=(--baseline "$BASE")
fi

# ${a[@]+"${a[@]}"}: an empty array under `set -u` in the bash 3.2 of macOS.
"${concbench[@]}" compare "$reports" --out "$reports/compare" ${baseline[@]+"${baseline[@]}"} "$@"
