#!/usr/bin/env python3
"""Runs one Python twin of a concbench workload as one batch, in task order, and prints its
batch checksum (standard library only; the twins are in ``workloads.py`` beside it).

    python3 python/twin.py sum-squares tasks=8 n=50000
    checksum 0x...

Parameters are ``key=value`` pairs with the Rust ``WorkloadSpec`` names, each a whole
number (decimal, or hexadecimal after ``0x``). ``--per-task`` also prints each task's value,
one ``task <index> 0x%016x`` line per task before the checksum line; ``--list`` prints each
workload that has a twin with its parameters. ``http`` needs the ``port`` of a running
concbench ``http`` server (a Rust ``http`` workload's ``worker_spec`` holds it).

Exit status: 0 with the checksum printed; 2 for bad input (an unknown workload, a missing,
malformed, out-of-range or unknown parameter), with one ``error:`` line naming it; 1 when a
task failed, with one ``error:`` line naming the task.
"""

import argparse
import sys

import workloads

USAGE_ERROR = 2
"""Exit status for bad input."""
TASK_ERROR = 1
"""Exit status for a task that failed."""

DECIMAL_DIGITS = set("0123456789")
HEX_DIGITS = set("0123456789abcdefABCDEF")


def parse_params(pairs):
    """The ``key=value`` strings ``pairs`` as a dict of name to int; raises ``BadSpec`` for a
    malformed pair or a key given twice."""
    params = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise workloads.BadSpec(
                "parameter '%s' is not key=value; write e.g. tasks=8" % pair
            )
        if text[:2].lower() == "0x":
            digits, base, allowed = text[2:], 16, HEX_DIGITS
        else:
            digits, base, allowed = text, 10, DECIMAL_DIGITS
        if not digits or not set(digits) <= allowed:
            raise workloads.BadSpec(
                "parameter '%s' has value '%s'; use a whole number (decimal, or hexadecimal "
                "after 0x)" % (key, text)
            )
        if key in params:
            raise workloads.BadSpec("parameter '%s' is given twice" % key)
        params[key] = int(digits, base)
    return params


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run one Python twin of a concbench workload and print its batch checksum."
    )
    parser.add_argument("workload", nargs="?", help="workload name, e.g. sum-squares")
    parser.add_argument("params", nargs="*", metavar="KEY=VALUE", help="workload parameters")
    parser.add_argument("--per-task", action="store_true", help="also print each task's value")
    parser.add_argument(
        "--list", action="store_true", help="list the workloads that have a twin and exit"
    )
    args = parser.parse_args(argv)
    if args.list:
        for twin in workloads.TWINS:
            print(twin.NAME, " ".join(p.name for p in twin.PARAMS))
        return 0
    try:
        if args.workload is None:
            raise workloads.BadSpec(
                "name a workload; workloads with a Python twin: %s" % ", ".join(workloads.names())
            )
        workload = workloads.build(args.workload, parse_params(args.params))
    except workloads.BadSpec as e:
        print("error: %s" % e, file=sys.stderr)
        return USAGE_ERROR

    def show(task, value):
        print("task %d 0x%016x" % (task, value))

    try:
        with workload:
            checksum = workloads.reference_checksum(workload, show if args.per_task else None)
    except workloads.TaskFailed as e:
        sys.stdout.flush()
        print("error: %s" % e, file=sys.stderr)
        return TASK_ERROR
    print("checksum 0x%016x" % checksum)
    return 0


if __name__ == "__main__":
    sys.exit(main())
