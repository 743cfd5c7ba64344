// Reading a summary file (schema sockfilter.summary.v1) back into a Summary, for
// `sockfilter merge`. The writer is RenderJson (report.h). simdjson lives here only.
//
// Every statistic that merging needs is in the file (the "stats" object holds the raw
// signals: exact peer hashes or HyperLogLog registers, quiet-gap histogram and per-peer
// boundaries, per-second reset counts, host snapshots), so a Summary read back merges as
// if it had been counted in this process.
//
//   Result<Summary> s = ReadSummaryJson(text, "a.json");
//   if (!s.ok()) return s.status();   // "a.json: not a sockfilter.summary.v1 file"
#pragma once

#include <string>
#include <string_view>

#include "analyzer/status.h"
#include "analyzer/summary.h"

namespace sockfilter {

inline constexpr std::string_view kSummarySchema = "sockfilter.summary.v1";

Result<Summary> ReadSummaryJson(std::string_view text, const std::string& name);

}  // namespace sockfilter
