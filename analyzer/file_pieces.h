// File pieces: where a plain log file can be cut so that its pieces, analysed apart (each
// on its own thread) and merged in order, give what one pass over the whole file gives.
//
// Summaries merge exactly when a cut falls at the start of an event (analyzer/summary.h;
// tests/analyze_test.cpp cuts at random event starts). So a cut goes at the start of a
// line that starts an event whatever came before it: not blank (a blank line joins the
// event before it when the next line continues that), and continued by no state of the
// multi-line rules (MultilineRules::ContinuesInSomeState). Blank lines before it end up as
// they would in one pass: after the event before them, passed on when it ends. One more
// condition is the caller's (analyzer/analyze_run.cc), which analyses the file again whole
// when it fails: a piece after the first must not hold a `==> name <==` line of `tail`,
// whose files each keep their own assembly state from earlier pieces (PipelineReport
// counts them). The summary's capped tables choose their entries whatever the order of
// arrival, so a full one merges exactly too.
//
// Each cut is searched for in the kSearchBytes after an equal share of the file; a share
// without such a line there (one huge stack trace) is not cut.
//
//   std::vector<uint64_t> starts = PieceStarts(fd, size, 4, *rules.multiline);
//   // piece i: [starts[i], starts[i + 1]), the last one to the end of the file
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/multiline_rules.h"

namespace sockfilter {

inline constexpr size_t kSearchBytes = 1 << 20;

// 0, then at most `pieces` - 1 increasing cuts of the open file `fd` of `size` bytes (read
// with pread). Only {0} when no cut is found or the file cannot be read.
std::vector<uint64_t> PieceStarts(int fd, uint64_t size, size_t pieces,
                                  const MultilineRules& rules);

// The first place in `text` where a cut may go (the start of a line, as said above), or
// npos. `text` starts anywhere; the line it starts in is not whole, so not a candidate.
size_t FirstCut(std::string_view text, const MultilineRules& rules);

}  // namespace sockfilter
