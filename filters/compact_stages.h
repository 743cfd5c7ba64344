// The pluggable stages of `sockfilter compact`: the filter chain that decides what stays
// (the very chain `sockfilter [filter]` runs, so compacted content equals its output) and
// the summary that sees every event of the original.
//
// The Compactor builds both afresh for each file, through factories the front end gives
// it:
//
//   ChainFactory chain = [&](EventSink* out, TimeMs mtime_ms) { ... };
//   SummaryFactory summary = [&](const std::string& path, TimeMs mtime) { return ...; };
//   Compactor compactor(rules, options, chain, summary);
//
// Lifetimes: a chain forwards to the `out` sink it was built with, which outlives it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "analyzer/event_sink.h"
#include "analyzer/status.h"

namespace sockfilter {

// The filter stages in front of the writer, with their accounting.
class CompactChain {
 public:
  virtual ~CompactChain() = default;
  virtual EventSink* head() = 0;                         // where the assembler's events go
  virtual uint64_t events_suppressed() const = 0;        // read after Finish()
  virtual std::string stats_json() const { return ""; }  // the counts, one JSON object
};

// Builds one file's summary from all its events, before filtering.
class CompactSummary : public EventSink {
 public:
  // The summary as one JSON document (no trailing newline needed); read after Finish().
  virtual Result<std::string> Json() const = 0;
  // Whether the file held suppression markers: it may be an earlier run's output, the
  // compaction of an original whose summary is beside it.
  virtual bool HeldMarkers() const { return false; }
  // For a file that held markers: whether `summary_json` (a summary found beside it) can be
  // that of its original, counting the same socket-error events per cause as the file does.
  // Such a summary says more than this one (lines, peers, times) and is kept.
  virtual bool IsOriginalOf(std::string_view /*summary_json*/) const { return false; }
};

// `mtime_ms` is the file's modification time: timestamps without a year take its year,
// as `sockfilter [filter] FILE` does, so the compacted bytes are the filter's bytes.
using ChainFactory =
    std::function<Result<std::unique_ptr<CompactChain>>(EventSink* out, TimeMs mtime_ms)>;
// `path` is the file being compacted, `mtime_ms` its modification time (the year of
// timestamps that carry none).
using SummaryFactory =
    std::function<std::unique_ptr<CompactSummary>(const std::string& path, TimeMs mtime_ms)>;

}  // namespace sockfilter
