#!/usr/bin/env python3
"""dedupe_score.py - score one `sockfilter --stats` run against a gen_corpus.py corpus.

    dedupe_score.py INPUT OUTPUT STATS_FILE TRUTH_JSON EVENTS_TSV

INPUT is the corpus, OUTPUT what sockfilter wrote for it, STATS_FILE its stderr (the
--stats line), TRUTH_JSON the corpus sidecar and EVENTS_TSV the generator's --events-out.

Output lines are matched back to input lines in order (the filter only drops whole events
and inserts marker lines), which tells which socket-error events kept a sample. Prints one
JSON object: distinct signatures found vs the sidecar, how many of the sidecar's
signatures kept at least one sample in the output, the accounting invariant, and the
socket-error bytes left in the output (samples + markers) as a share of the input's.
"""
import json
import os
import sys

MARKER_PREFIXES = (b"[sockfilter] suppressed ", b'{"sockfilter":"suppressed"')


def marker_lines(line):
    if line.startswith(b"{"):
        return json.loads(line)["lines"]
    at = line.index(b" lines=") + 7
    return int(line[at:line.index(b" ", at)])


def main(argv):
    input_path, output_path, stats_path, truth_path, events_path = argv[1:6]
    truth = json.load(open(truth_path))
    stats = None
    for line in open(stats_path):
        if line.startswith('{"lines_in"'):
            stats = json.loads(line)
    socket_first = {}  # first line number -> signature id, socket-error events only
    for row in open(events_path):
        if row.startswith("#"):
            continue
        f = row.rstrip("\n").split("\t")
        if f[2] == "socket":
            socket_first[int(f[0])] = f[4]

    kept_sigs = set()
    markers = marker_line_sum = 0
    with open(input_path, "rb") as inp, open(output_path, "rb") as out:
        o = out.readline()
        for number, line in enumerate(inp, 1):
            while o.startswith(MARKER_PREFIXES):
                markers += 1
                marker_line_sum += marker_lines(o)
                o = out.readline()
            if line == o:
                if number in socket_first:
                    kept_sigs.add(socket_first[number])
                o = out.readline()
        while o:
            if not o.startswith(MARKER_PREFIXES):
                raise SystemExit("output line not found in input: %r" % o[:200])
            markers += 1
            marker_line_sum += marker_lines(o)
            o = out.readline()

    out_bytes = os.path.getsize(output_path)
    sock_bytes = truth["socket_error"]["bytes"]
    non_socket = truth["bytes"] - sock_bytes
    all_sigs = set(socket_first.values())
    result = {
        "signatures_found": stats["signatures"],
        "signatures_truth": truth["distinct_signatures"],
        "signature_ratio": round(stats["signatures"] / truth["distinct_signatures"], 4),
        "truth_signatures_with_a_sample": len(kept_sigs & all_sigs),
        "truth_signatures": len(all_sigs),
        "invariant_lines": stats["lines_in"] == stats["lines_out"] + stats["lines_suppressed"],
        "invariant_markers": marker_line_sum == stats["lines_suppressed"]
        and markers == stats["markers"],
        "markers": markers,
        "socket_bytes_in": sock_bytes,
        "socket_bytes_left": out_bytes - non_socket,
        "socket_bytes_left_pct": round(100.0 * (out_bytes - non_socket) / sock_bytes, 3),
        "stats": stats,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
