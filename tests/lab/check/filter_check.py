"""The stream filter over one cut log: one sample per signature, and markers that account
for every line and event it suppressed (docs/markers.md).

Checked against the input's own analysis (the same binary's analyze, for the signature
list) and against the test's independent line counts (each fault event holds exactly one
line of its format, so kept lines + suppressed repeats = lines in the input).
"""

import json
import re
import subprocess

MARKER = re.compile(r"^\[sockfilter\] suppressed repeats=(\d+) lines=(\d+) cause=(\S+) "
                    r"sig=([0-9a-f]{16}) first=\S+ last=\S+ peers=\d+ sample=\"")


def run_filter(sockfilter, path, out_path):
    with open(out_path, "w") as out:
        run = subprocess.run([sockfilter, "--stats", path], stdout=out, stderr=subprocess.PIPE,
                             text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError("filter failed (%d): %s" % (run.returncode, run.stderr.strip()))
    stats_lines = [l for l in run.stderr.splitlines() if l.startswith("{")]
    return json.loads(stats_lines[-1])


def analyze(sockfilter, path):
    run = subprocess.run([sockfilter, "analyze", "--format", "json", path],
                         capture_output=True, text=True, timeout=60)
    return json.loads(run.stdout)


def check_accounting(name, text_in, lines_out, markers, stats):
    bad = []
    n_in = len(text_in.splitlines())
    if stats["lines_in"] != n_in:
        bad.append("%s: filter read %d lines of %d" % (name, stats["lines_in"], n_in))
    if stats["lines_in"] != stats["lines_out"] + stats["lines_suppressed"]:
        bad.append("%s: lines_in != lines_out + lines_suppressed: %s" % (name, stats))
    if len(lines_out) != stats["lines_out"] + len(markers):
        bad.append("%s: %d output lines, stats say %d + %d markers"
                   % (name, len(lines_out), stats["lines_out"], len(markers)))
    if sum(m[1] for m in markers) != stats["lines_suppressed"]:
        bad.append("%s: markers cover %d lines, %d were suppressed"
                   % (name, sum(m[1] for m in markers), stats["lines_suppressed"]))
    if sum(m[0] for m in markers) != stats["events_suppressed"]:
        bad.append("%s: markers cover %d events, %d were suppressed"
                   % (name, sum(m[0] for m in markers), stats["events_suppressed"]))
    return bad


def check_samples(name, summary_in, summary_out, markers):
    """Every signature of the input is kept once; its other events are in its markers."""
    bad = []
    for cause, c in summary_in["causes"].items():
        sigs_in = {s["sig"]: s["count"] for s in c["signatures"]}
        out = summary_out["causes"].get(cause, {"signatures": []})
        sigs_out = {s["sig"]: s["count"] for s in out["signatures"]}
        if sigs_out != {s: 1 for s in sigs_in}:
            bad.append("%s: %s kept %s of signatures %s" % (name, cause, sigs_out, sigs_in))
        for sig, count in sigs_in.items():
            repeats = sum(m[0] for m in markers if m[2] == cause and m[3] == sig)
            if repeats != count - 1:
                bad.append("%s: %s sig %s: %d events, markers say %d repeats"
                           % (name, cause, sig, count, repeats))
    return bad


def check_format_lines(name, text_in, lines_out, markers, expects):
    """Independent: per cause, format lines kept + repeats suppressed = lines in the input."""
    bad = []

    def count(lines, cause):
        return sum(1 for l in lines if any(e.cause_of(l) == cause for e in expects))

    kept_lines = [l for l in lines_out if not MARKER.match(l)]
    for cause in sorted({c for e in expects for c in e.causes} - {"-"}):
        kept = count(kept_lines, cause)
        repeats = sum(m[0] for m in markers if m[2] == cause)
        logged = count(text_in.splitlines(), cause)
        if kept + repeats != logged:
            bad.append("%s: %s: %d kept + %d suppressed != %d in the log"
                       % (name, cause, kept, repeats, logged))
    return bad


def check(sockfilter, path, expects, out_path):
    """Returns (failures, a sentence of the filter's accounting)."""
    name = path.rsplit("/", 1)[-1]
    stats = run_filter(sockfilter, path, out_path)
    text_in = open(path, encoding="utf-8").read()
    lines_out = open(out_path, encoding="utf-8").read().splitlines()
    markers = []
    for line in lines_out:
        m = MARKER.match(line)
        if m:
            markers.append((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)))
    bad = check_accounting(name, text_in, lines_out, markers, stats)
    # analyze does not know its own markers: a marker whose sample holds the error text
    # would count as one more event (reported as a finding), so the kept events are
    # analysed without them.
    kept_path = out_path + ".kept"
    with open(kept_path, "w", encoding="utf-8") as kept:
        kept.writelines(l + "\n" for l in lines_out if not MARKER.match(l))
    summary_in = analyze(sockfilter, path)
    bad += check_samples(name, summary_in, analyze(sockfilter, kept_path), markers)
    bad += check_format_lines(name, text_in, lines_out, markers, expects)
    signatures = sum(len(c["signatures"]) for c in summary_in["causes"].values())
    said = "%s: %d lines in, %d out; %d lines (%d events) suppressed under %d markers; " \
        "%d signatures, one sample each kept" % (
            name, stats["lines_in"], stats["lines_out"] + len(markers), stats["lines_suppressed"],
            stats["events_suppressed"], len(markers), signatures)
    return bad, said
