#!/usr/bin/env bash
# Compares every machine folder under reports/ against the first one, into reports/compare/.
#
# Usage: scripts/compare-all.sh [REPORTS_DIR] [compare options...]
#   REPORTS_DIR  folder holding one report folder per machine (default: reports/)
#   options      passed on to `concbench compare`, e.g. --allow-profile-mismatch,
#                --threshold 10%, --chart-format svg
#
# A machine folder is any folder of REPORTS_DIR holding results.json, except REPORTS_DIR/compare
# itself. The first in name order is the base; set BASE=<folder name> to pick another.
# concbench is run with `cargo run --release --` (so this works from a clean clone); set
# CONCBENCH=/path/to/concbench to use a built binary instead.
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
out="$reports/compare"

if [[ ! -d "$reports" ]]; then
    echo "compare-all: $reports does not exist; run \`cargo bench\` on each machine and commit its reports/<machine>/ folder first" >&2
    exit 1
fi

machines=()
base=""
shopt -s nullglob
for dir in "$reports"/*/; do
    dir="${dir%/}"
    name="$(basename "$dir")"
    [[ "$name" == compare ]] && continue
    if [[ ! -f "$dir/results.json" ]]; then
        echo "compare-all: skipping $dir (no results.json)" >&2
        continue
    fi
    if [[ -n "${BASE:-}" && "$name" == "$BASE" ]]; then
        base="$dir"
    else
        machines+=("$dir")
    fi
done
shopt -u nullglob

if [[ -n "${BASE:-}" && -z "$base" ]]; then
    echo "compare-all: BASE=$BASE names no machine folder with results.json under $reports" >&2
    exit 1
fi
if [[ -n "$base" ]]; then
    machines=("$base" "${machines[@]}")
fi

if [[ ${#machines[@]} -lt 2 ]]; then
    echo "compare-all: need at least two machine folders with results.json under $reports, found ${#machines[@]}${machines[*]:+ (${machines[*]})}; run \`cargo bench\` on another machine (or under \`taskset -c 0\`) first" >&2
    exit 1
fi

if [[ -n "${CONCBENCH:-}" ]]; then
    concbench=("$CONCBENCH")
else
    concbench=(cargo run --quiet --release --manifest-path "$root/Cargo.toml" --)
fi

echo "compare-all: ${machines[0]} (base) vs ${machines[*]:1} -> $out" >&2
"${concbench[@]}" compare "${machines[@]}" --out "$out" "$@"
