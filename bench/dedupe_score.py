#!/usr/bin/env python3
"""dedupe_score.py - score one `sockfilter --stats` run against a gen_corpus.py corpus.

    dedupe_score.py INPUT OUTPUT STATS_FILE TRUTH_JSON EVENTS_TSV [CENSUS_TSV]

INPUT is the corpus, OUTPUT what sockfilter wrote for it, STATS_FILE its stderr (the
--stats line), TRUTH_JSON the corpus sidecar and EVENTS_TSV the generator's --events-out.
CENSUS_TSV (bench/signature_census's event table) adds the signatures per cause: over
the sidecar's nine causes, over every event the classifier gave one of them, and over the
sidecar's socket-error events only (which isolates the normalizer from event assembly
and classification), with the sidecar signatures split or merged.

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
    if len(argv) > 6:
        result["census"] = census(argv[6], truth, events_path)
    print(json.dumps(result))


def census(census_path, truth, events_path):
    nine = set(truth["causes"])
    truth_sig = {}
    for row in open(events_path):
        if not row.startswith("#"):
            f = row.rstrip("\n").split("\t")
            if f[2] == "socket":
                truth_sig[int(f[0])] = f[4]
    all_pairs, nine_pairs, true_pairs = set(), set(), set()
    mine_of_truth, truth_of_mine = {}, {}
    for row in open(census_path):
        first, _, cause, sig = row.rstrip("\n").split("\t")
        pair = (cause, sig)
        all_pairs.add(pair)
        if cause in nine:
            nine_pairs.add(pair)
        t = truth_sig.get(int(first))
        if t is not None and cause in nine:
            true_pairs.add(pair)
            mine_of_truth.setdefault(t, set()).add(pair)
            truth_of_mine.setdefault(pair, set()).add(t)
    return {
        "all_causes": len(all_pairs),
        "nine_causes": len(nine_pairs),
        "nine_causes_true_socket_events": len(true_pairs),
        "true_socket_ratio": round(len(true_pairs) / truth["distinct_signatures"], 4),
        "truth_signatures_split": sum(1 for v in mine_of_truth.values() if len(v) > 1),
        "signatures_merging_truth": sum(1 for v in truth_of_mine.values() if len(v) > 1),
    }


if __name__ == "__main__":
    main(sys.argv)
