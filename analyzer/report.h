// Report printers: a Summary and its inferred root causes as text (the terminal report),
// JSON (schema sockfilter.summary.v1, also the input of `sockfilter merge`; see
// docs/summary-schema.md) or Markdown (for tickets).
//
// Printers return the whole report as a string; the command writes it. Text from the logs
// (samples, peers, components) is escaped in every format, so control bytes and ANSI escape
// sequences in a log never reach the terminal raw.
//
//   ReportOptions options;
//   options.colour = ColourAllowed(STDOUT_FILENO);
//   std::string text = RenderText(summary, InferRootCauses(summary), options);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/root_causes.h"
#include "analyzer/summary.h"

namespace sockfilter {

struct ReportOptions {
  int64_t bucket_ms = 0;  // timeline bucket; 0: chosen from the span
  size_t top = 3;         // signatures, peers, endpoints, components shown per cause
  bool colour = false;
  size_t width = 80;
};

// The timeline bucket a report uses: --bucket rounded up to the ladder, or chosen from the
// summary's span.
int64_t DisplayBucketMs(const Summary& summary, const ReportOptions& options);

std::string RenderText(const Summary& summary, const std::vector<RootCause>& roots,
                       const ReportOptions& options);
std::string RenderMarkdown(const Summary& summary, const std::vector<RootCause>& roots,
                           const ReportOptions& options);
std::string RenderJson(const Summary& summary, const std::vector<RootCause>& roots,
                       const ReportOptions& options);

// Log text made safe for a terminal or a Markdown table: control bytes (ESC included)
// become \xNN, invalid UTF-8 becomes \xNN; at most `max_bytes` of input are shown.
std::string EscapeForTerminal(std::string_view text, size_t max_bytes = 4096);

// "▁▂▇█" for the counts (one character per bucket, at most `width` buckets by summing
// neighbours).
std::string Sparkline(const std::vector<uint64_t>& counts, size_t width);

}  // namespace sockfilter
