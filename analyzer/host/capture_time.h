// Timestamps in host captures: recognising a line that is only a time (the output of
// `date`, `date -R`, `date +%s`, or an ISO 8601 line, possibly decorated as
// "=== 2025-03-04T10:15:01Z ==="), and formatting the probe's own times.
//
// Named zones other than UTC/GMT are read as UTC: captures are compared with each other,
// so only the differences between their times matter.
//
//   std::optional<double> t = ParseTimestampLine("Tue Mar  4 10:15:01 UTC 2025");
//   std::string iso = FormatIsoUtc(*t);  // "2025-03-04T10:15:01.000Z"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sockfilter {

// Seconds since the epoch when the whole line is a timestamp, else nothing.
std::optional<double> ParseTimestampLine(std::string_view line);

std::string FormatIsoUtc(double unix_time);

// Seconds since the epoch now (CLOCK_REALTIME).
double UnixNow();

}  // namespace sockfilter
