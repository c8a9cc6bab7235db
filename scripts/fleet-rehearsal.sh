#!/usr/bin/env bash
# Plays a small fleet on this one machine, so the gather-and-compare path of a real fleet (a
# CI matrix, a Kubernetes Job, a Slurm array) can be tried and tested anywhere: four legs of
# the models bench, each under its own CONCBENCH_MACHINE_NAME, write their machine folders
# into one folder, then `concbench compare` runs over that folder (more than three machines:
# the fleet table and charts lead).
#
# Legs: `all-cpus` (every CPU) and `all-cpus-again` (the same, an A/A pair inside the fleet),
# `cpu0` (`taskset -c 0`) and `cpu1` (`taskset -c 1`, or `cpu0-again` on a one-CPU machine).
#
# Usage: scripts/fleet-rehearsal.sh [OUT_DIR]     (default: target/fleet-rehearsal)
#   CONCBENCH_PROFILE   profile of every leg (default: smoke, about a minute per leg on 2 cores)
#   CONCBENCH           a built concbench binary for the compare step (default: cargo run)
#
# OUT_DIR must be new, empty, or a folder this script wrote before (it leaves a
# `.fleet-rehearsal` marker); anything else is refused, never deleted. Needs `taskset`
# (util-linux) for the one-CPU legs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/fleet-rehearsal}"
profile="${CONCBENCH_PROFILE:-smoke}"
marker=".fleet-rehearsal"

if ! command -v taskset >/dev/null 2>&1; then
    echo "fleet-rehearsal: taskset is missing; install util-linux (it pins the one-CPU legs)" >&2
    exit 2
fi
if [[ -e "$out" && ! -d "$out" ]]; then
    echo "fleet-rehearsal: $out exists and is not a folder; name a new folder" >&2
    exit 2
fi
if [[ -d "$out" && -n "$(ls -A "$out")" && ! -e "$out/$marker" ]]; then
    echo "fleet-rehearsal: $out holds files this script did not write; name a new or empty folder" >&2
    exit 2
fi
if [[ -e "$out/$marker" ]]; then
    rm -rf "$out"
fi
mkdir -p "$out"
touch "$out/$marker"

# The CPUs this process may use, e.g. `0-1` or `0,2`; the second leg pins the second one.
cpus=$(taskset -cp $$ | sed 's/.*: //')
first=$(echo "$cpus" | tr ',' '\n' | head -1 | cut -d- -f1)
second=$(echo "$cpus" | sed 's/[-,]/\n/g' | sed -n 2p)
legs=("all-cpus::" "all-cpus-again::" "cpu$first:$first:")
if [[ -n "$second" && "$second" != "$first" ]]; then
    legs+=("cpu$second:$second:")
else
    legs+=("cpu$first-again:$first:")
fi

cd "$root"
for leg in "${legs[@]}"; do
    name="${leg%%:*}"
    rest="${leg#*:}"
    cpu="${rest%%:*}"
    pin=()
    if [[ -n "$cpu" ]]; then
        pin=(taskset -c "$cpu")
    fi
    echo "fleet-rehearsal: leg $name${cpu:+ (taskset -c $cpu)}, profile $profile" >&2
    start=$(date +%s)
    CONCBENCH_MACHINE_NAME="rehearsal-$name" CONCBENCH_PROFILE="$profile" \
        CONCBENCH_REPORTS_DIR="$out" "${pin[@]}" cargo bench --locked --quiet --bench models \
        >"$out/$name.log" 2>&1 || {
        echo "fleet-rehearsal: leg $name failed; see $out/$name.log" >&2
        exit 1
    }
    echo "fleet-rehearsal: leg $name done in $(($(date +%s) - start)) s" >&2
done

if [[ -n "${CONCBENCH:-}" ]]; then
    concbench=("$CONCBENCH")
else
    concbench=(cargo run --locked --quiet --release --)
fi
"${concbench[@]}" compare "$out" --baseline rehearsal-all-cpus --out "$out/compare" \
    --chart-format svg >"$out/compare-stdout.md"
echo "fleet-rehearsal: $out/compare/compare.md" >&2
