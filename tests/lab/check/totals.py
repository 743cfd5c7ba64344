#!/usr/bin/env python3
"""The whole logs against the scenarios: analyze over every server's complete log file must
count, per cause, exactly the sum of what the scenarios measured in their parts. A socket
error logged outside every scenario's window (a late line, a fault that leaked into the
next scenario) breaks the equality."""

import argparse
import glob
import json
import os
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sockfilter", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--scenarios", required=True)
    p.add_argument("logs", nargs="+")
    args = p.parse_args()
    summed = {}
    for path in sorted(glob.glob(os.path.join(args.scenarios, "*", "result.json"))):
        for cause, n in json.load(open(path))["measured"].items():
            summed[cause] = summed.get(cause, 0) + n
    run = subprocess.run([args.sockfilter, "analyze", "--format", "json", *args.logs],
                         capture_output=True, text=True, timeout=120)
    whole = {c: v["count"] for c, v in json.loads(run.stdout)["causes"].items()}
    rows = ["## Whole logs\n", "| cause | sum of the scenarios | analyze over the whole logs |",
            "|---|---|---|"]
    bad = []
    for cause in sorted(set(summed) | set(whole)):
        rows.append("| %s | %d | %d |" % (cause, summed.get(cause, 0), whole.get(cause, 0)))
        if summed.get(cause, 0) != whole.get(cause, 0):
            bad.append(cause)
    with open(args.report, "a", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n\n")
    print("scenario=%-18s cause=%-26s expected=%-4d measured=%-4d %s"
          % ("whole_logs", "all", sum(summed.values()), sum(whole.values()),
             "ok" if not bad else "FAIL (" + ", ".join(bad) + ")"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
