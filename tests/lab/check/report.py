"""The lab's markdown report: per scenario, the counts (expected from the faults, measured
by grep and by analyze), the root causes, and one real example per log format the servers
wrote (the record's own lines down to the matching line, stack frames left out)."""

import re

RECORD_START = re.compile(r"^(?:\d{4}[-/]\d{2}[-/]\d{2}|[A-Z][a-z]{2} \d{1,2}, \d{4} )")
FRAME = re.compile(r"^(?:\s|Traceback \(most recent call last\):)")


def shape(line):
    """What stays of a line when its numbers and its nginx request details are left out:
    two lines of one shape are one format."""
    return re.sub(r"\d+", "#", line).split(", client:")[0]


def examples(text, regex, most=3):
    """The first record of each shape whose line matches `regex`: its own lines down to
    the match, without stack frames."""
    lines, seen, found = text.splitlines(), set(), []
    for i, line in enumerate(lines):
        if not regex.search(line) or shape(line) in seen or len(found) == most:
            continue
        seen.add(shape(line))
        start = i
        while start > 0 and i - start < 80 and not RECORD_START.match(lines[start]):
            start -= 1
        found.append([l for l in lines[start:i] if not FRAME.match(l)] + [line])
    return found


def append_section(path, args, expects, texts, lines, summary, result):
    out = []
    status = "ok" if not result["failures"] else "FAIL"
    out.append("## %s (%s)\n" % (args.name, status))
    if args.note:
        out.append(args.note + "\n")
    out.append("| log | cause | format (the test's own pattern) | expected lines | lines logged |")
    out.append("|---|---|---|---|---|")
    for e in expects:
        out.append("| %s | %s | `%s` | %d | %d |" % (e.log, e.cause, e.pattern.replace("|", "\\|"),
                                                   e.count, lines[(e.log, e.pattern)]))
    out.append("")
    out.append("| cause | expected | measured by analyze |")
    out.append("|---|---|---|")
    for cause in sorted(set(result["expected"]) | set(result["measured"])):
        out.append("| %s | %d | %d |" % (cause, result["expected"].get(cause, 0),
                                        result["measured"].get(cause, 0)))
    if not result["expected"] and not result["measured"]:
        out.append("| (none) | 0 | 0 |")
    out.append("")
    roots = summary["root_causes"]
    out.append("Top root cause: **%s** (expected %s). Ranked: %s." % (
        result["top"], result["expected_top"],
        ", ".join("%s %.2f (%d events)" % (r["id"], r["score"], r["events"]) for r in roots)
        or "none"))
    if roots:
        out.append("Evidence: " + " / ".join(roots[0]["evidence"]))
    out.append("")
    out.append("Stream filter (`sockfilter --stats`), checked: " + "; ".join(result["filter"]) + ".")
    out.append("")
    for e in expects:
        for record in examples(texts[e.log], e.regex):
            out.append("Example, %s (%s):\n\n```text\n%s\n```\n"
                       % (e.log, e.cause, "\n".join(record)))
    for f in result["failures"]:
        out.append("- FAIL: " + f)
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n\n")
