#!/usr/bin/env python3
"""Checks one lab scenario: what the servers logged against what the injectors did, and
what sockfilter makes of it.

Each --expect is a log format the design says the servers write for the injected faults:
NAME|CAUSE|REGEX|COUNT — in log NAME, COUNT lines match REGEX (Python re, searched in each
line), and each of them is one event sockfilter should count under CAUSE (`-`: a line that
is no socket error, counted only to cross-check the fault count; `a/b`: of cause a or b,
as the regex's group named a or b matched, when the servers' timing decides). COUNT comes from
the injector's own count times the lines the server writes per fault; REGEX is the test's
own, never one of sockfilter's rules.

The checker waits (bounded) until the logs hold the expected lines, cuts each log from its
--log offset to its end into the scenario's directory, and then asserts:
  - each format's line count equals its COUNT (the independent count);
  - `analyze --format json` over the cut logs (and --capture files) counts each cause as
    the formats add up, and nothing else;
  - the first root cause is --top ("none": no root cause at all);
  - the stream filter passes one sample per signature and its markers account for every
    line it suppressed (filter_check.py).
Prints one line for the scenario, appends its section to --report, writes result.json.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filter_check  # noqa: E402
import report  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--sockfilter", required=True)
    p.add_argument("--dir", required=True, help="the scenario's own directory")
    p.add_argument("--log", action="append", default=[], help="NAME=PATH@OFFSET")
    p.add_argument("--expect", action="append", default=[], help="NAME|CAUSE|REGEX|COUNT")
    p.add_argument("--top", required=True)
    p.add_argument("--capture", action="append", default=[])
    p.add_argument("--kernel-drops", type=int, help="expected accept_queue_overflow events")
    p.add_argument("--idle-timeout", type=int, help="the servers' idle timeout, seconds")
    p.add_argument("--note", default="")
    p.add_argument("--report", required=True)
    p.add_argument("--wait", type=float, default=15.0)
    p.add_argument("--settle", type=float, default=0.5)
    return p.parse_args()


class Expect:
    def __init__(self, spec):
        head, count = spec.rsplit("|", 1)
        self.log, cause, self.pattern = head.split("|", 2)
        self.regex, self.count = re.compile(self.pattern), int(count)
        # "a/b": each line is one event of cause a or b, named by the regex's group.
        self.causes = cause.split("/")
        self.cause = cause

    def cause_of(self, line):
        """The cause a line of this format counts under, or None when it does not match."""
        m = self.regex.search(line)
        if not m:
            return None
        if len(self.causes) == 1:
            return self.cause
        return next(c for c in self.causes if m.group(c) is not None)


def read_from(path, offset):
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def count_lines(text, regex):
    return sum(1 for line in text.splitlines() if regex.search(line))


def wait_for_logs(logs, expects, deadline, settle):
    """Polls until every format has its lines (bounded), then lets stragglers arrive."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        texts = {n: read_from(p, o) for n, (p, o) in logs.items()}
        if all(count_lines(texts[e.log], e.regex) >= e.count for e in expects):
            break
        time.sleep(0.1)
    time.sleep(settle)


def cut_logs(logs, directory):
    paths = {}
    for name, (path, offset) in logs.items():
        paths[name] = os.path.join(directory, name + ".log")
        with open(paths[name], "w", encoding="utf-8") as out:
            out.write(read_from(path, offset))
    return paths


def analyze(sockfilter, inputs):
    run = subprocess.run([sockfilter, "analyze", "--format", "json", "-j", "1", *inputs],
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError("analyze failed (%d): %s" % (run.returncode, run.stderr.strip()))
    return json.loads(run.stdout)


def check_counts(args, expects, texts, summary, failures):
    measured_lines = {}
    for e in expects:
        n = count_lines(texts[e.log], e.regex)
        measured_lines[(e.log, e.pattern)] = n
        if n != e.count:
            failures.append("%s: %d lines match /%s/, the faults make %d"
                            % (e.log, n, e.pattern, e.count))
    expected = {}
    for e in expects:
        if e.cause == "-":  # a line the test counts that is no socket error
            continue
        if len(e.causes) == 1:
            expected[e.cause] = expected.get(e.cause, 0) + e.count
            continue
        # Either cause by design: the split is the test's own count of each form.
        for line in texts[e.log].splitlines():
            cause = e.cause_of(line)
            if cause:
                expected[cause] = expected.get(cause, 0) + 1
    measured = {c: v["count"] for c, v in summary["causes"].items()}
    for cause in sorted(set(expected) | set(measured)):
        if expected.get(cause, 0) != measured.get(cause, 0):
            failures.append("cause %s: analyze counts %d, the faults make %d"
                            % (cause, measured.get(cause, 0), expected.get(cause, 0)))
    return expected, measured, measured_lines


def check_root_cause(args, summary, failures):
    roots = summary["root_causes"]
    top = roots[0]["id"] if roots else "none"
    if top != args.top:
        failures.append("top root cause %s, expected %s (%s)"
                        % (top, args.top, ", ".join(r["id"] for r in roots)))
    if args.kernel_drops is not None:
        events = next((r["events"] for r in roots if r["id"] == "accept_queue_overflow"), 0)
        if events != args.kernel_drops:
            failures.append("accept_queue_overflow explains %d kernel drops, the flood made %d"
                            % (events, args.kernel_drops))
    if args.idle_timeout is not None:
        idle = next((r for r in roots if r["id"] == "idle_timeout"), None)
        said = re.search(r"idle for about (\d+) s", " ".join(idle["evidence"])) if idle else None
        if not said or int(said.group(1)) != args.idle_timeout:
            failures.append("idle_timeout does not name the %d s timeout: %s"
                            % (args.idle_timeout, idle["evidence"] if idle else "absent"))
    return top


def main():
    args = parse_args()
    os.makedirs(args.dir, exist_ok=True)
    logs = {}
    for spec in args.log:
        name, rest = spec.split("=", 1)
        path, offset = rest.rsplit("@", 1)
        logs[name] = (path, int(offset))
    expects = [Expect(s) for s in args.expect]
    wait_for_logs(logs, expects, args.wait, args.settle)
    paths = cut_logs(logs, args.dir)
    texts = {n: open(p, encoding="utf-8").read() for n, p in paths.items()}
    failures = []
    summary = analyze(args.sockfilter, [*paths.values(), *args.capture])
    with open(os.path.join(args.dir, "analyze.json"), "w") as f:
        json.dump(summary, f, indent=1)
    expected, measured, lines = check_counts(args, expects, texts, summary, failures)
    top = check_root_cause(args, summary, failures)
    filtered = []
    for name, path in paths.items():
        bad, said = filter_check.check(args.sockfilter, path, expects_for(expects, name),
                                       os.path.join(args.dir, name + ".filtered"))
        failures += bad
        filtered.append(said)
    result = {"name": args.name, "expected": expected, "measured": measured, "top": top,
              "expected_top": args.top, "failures": failures,
              "kernel_drops": args.kernel_drops, "filter": filtered}
    with open(os.path.join(args.dir, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    report.append_section(args.report, args, expects, texts, lines, summary, result)
    causes = ",".join(sorted(expected)) or "-"
    total_e = sum(expected.values()) if args.kernel_drops is None else args.kernel_drops
    total_m = sum(measured.values()) if args.kernel_drops is None else next(
        (r["events"] for r in summary["root_causes"] if r["id"] == "accept_queue_overflow"), 0)
    print("scenario=%-18s cause=%-26s expected=%-4d measured=%-4d top=%-22s %s"
          % (args.name, causes if args.kernel_drops is None else "listen_overflow(kernel)",
             total_e, total_m, top, "ok" if not failures else "FAIL"))
    for f in failures:
        print("  FAIL " + f)
    return 1 if failures else 0


def expects_for(expects, name):
    return [e for e in expects if e.log == name]


if __name__ == "__main__":
    sys.exit(main())
