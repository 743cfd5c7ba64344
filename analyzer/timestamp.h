// Timestamps: an event's own time, parsed from the start of its first line or from a
// JSON value. (analyzer/civil_time.h, included here, formats a TimeMs as ISO 8601.)
//
// Pure functions: no allocation, no locale, no global state, safe from any thread. Parsing is
// hand-written digit arithmetic; the common case (a line that starts with a date) costs a few dozen
// nanoseconds. A stream of lines is timed for less by a LineClock (analyzer/line_clock.h), which
// gives the same results.
//
// Recognised at the start of a line (after optional blanks):
//   ISO 8601 / RFC 3339   2026-11-24T10:00:00.123Z   2026-11-24 10:00:00+01:00
//   log4j, Python         2026-11-24 10:00:00,123    (fraction of 1-9 digits, '.' or ',')
//   nginx error           2026/11/24 10:00:00
//   common log format     24/Nov/2026:10:00:00 +0000
//   Tomcat (catalina.out) 24-Nov-2026 10:00:00.123
//   syslog RFC 3164       Nov 24 10:00:00            (no year: `default_year`)
//   syslog RFC 5424       <34>1 2026-11-24T10:00:00.003Z host ...  (and <34>Nov 24 ...)
//   ctime (Apache)        Sun Dec 04 04:47:44 2005   (also with a fraction)
//   glog                  E0517 15:04:22.619632      (no year: `default_year`)
//   java.util.logging     Nov 24, 2026 4:10:02 PM    (its default format's header line)
//   Spark, HDFS           17/06/09 20:10:40          081109 203615
// optionally inside brackets (`[2026-11-24 10:00:00,123: ...`). When the line does not
// start with one, a timestamp right after a '[' or a '=' (logfmt `ts=`, `time="..."`),
// or after the first word, within the first kTimestampScanBytes bytes is taken.
// A zone (`Z`, `+hh:mm`, `+hhmm`, `+hh`, ` +0000`, ` UTC`) is applied; a time without a
// zone is read as UTC. Anything else, or a field out of range (month 13, hour 25,
// Feb 30), gives kNoTime: an unparseable time is not an error.
//
//   TimeMs t = ParseLineTimestamp(event.first_line_text(), YearOf(file_mtime_ms));
//   char text[kIsoUtcLength];
//   if (t != kNoTime) sink.Write({text, FormatIsoUtc(t, text)});
#pragma once

#include <cstddef>
#include <string_view>

#include "analyzer/civil_time.h"  // TimeFromCivil, FormatIsoUtc, YearOf
#include "analyzer/event.h"

namespace sockfilter {

// Where a timestamp may start in a line; it may extend a little beyond.
inline constexpr size_t kTimestampScanBytes = 80;

// The time at the start of a log line, or kNoTime. `default_year` completes formats
// that carry no year (syslog RFC 3164, glog): pass the year of the file's mtime, or the
// current year for a stream.
TimeMs ParseLineTimestamp(std::string_view line, int default_year);

// A time given as a whole value (a JSON string field such as "@timestamp"): any format
// ParseLineTimestamp knows, or a decimal epoch number as text ("1710126809.076").
TimeMs ParseTimestampValue(std::string_view text, int default_year);

// An epoch number as written in JSON (`1710126809`, `1710126809.076685`,
// `1710126809076`, `1.7101268e9`): seconds, milliseconds, microseconds or nanoseconds,
// told apart by magnitude (below 1e11 seconds, 1e14 milliseconds, 1e17 microseconds).
// Negative, non-numeric or trailing text gives kNoTime.
TimeMs ParseEpochNumber(std::string_view number);

}  // namespace sockfilter
