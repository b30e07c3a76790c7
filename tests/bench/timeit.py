#!/usr/bin/env python3
"""Times a command the way the benchmark uses hyperfine, for machines without hyperfine.

Runs the command --warmup times untimed, then --runs times with its output discarded,
and writes the wall-clock statistics in seconds as hyperfine's --export-json does
(results[0]: mean, stddev, median, min, max, times), so one parser reads either.
Exits 1, with the command's stderr, as soon as one run fails.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.buffer.write(proc.stderr)
        sys.exit("timeit: %s exited %d" % (cmd[0], proc.returncode))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-json", required=True)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command given")

    for _ in range(args.warmup):
        run_once(cmd)
    times = [run_once(cmd) for _ in range(args.runs)]
    result = {
        "command": " ".join(cmd),
        "mean": statistics.fmean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": times,
    }
    with open(args.export_json, "w") as out:
        json.dump({"results": [result]}, out)


if __name__ == "__main__":
    main()
