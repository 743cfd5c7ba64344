// The human-readable form of a HostReport: counters with deltas and rates, settings,
// listeners with their accept queues, connections by state, the process's descriptors,
// findings with evidence and advice, and what could not be read. Lines fit 80 columns
// (long sentences are wrapped; only a very long socket address can exceed them).
//
//   std::string text = FormatHostReportText(report, {.colour = ColourAllowed(1)});
#pragma once

#include <string>

#include "analyzer/host/host_report.h"

namespace sockfilter {

struct TextStyle {
  bool colour = false;  // ANSI bold/colour for headings, FULL and finding ids
  size_t width = 80;
};

std::string FormatHostReportText(const HostReport& report, const TextStyle& style = {});

// Wraps `text` at word boundaries to `width` columns; the first line starts with
// `first_indent`, the rest with `rest_indent`. Ends with a newline.
std::string WrapText(std::string_view text, std::string_view first_indent,
                     std::string_view rest_indent, size_t width);

}  // namespace sockfilter
