// The pieces ParseLineTimestamp (analyzer/timestamp.h) is made of, for LineClock
// (analyzer/line_clock.h), which puts them together with a memo of earlier lines.
// Nothing else needs this header.
//
//   ScanLineForTime  which starts of a line are tried, in which order, and the bound of each;
//   ParseTimeAt      the parse at one start; it can mark where its clock's seconds begin;
//   ResumeAtSeconds  that parse finished from the seconds on, given what the mark noted
//                    (and a memo of the last zone read, " +0000" being costly to read).
//
// ParseLineTimestamp(line, year) is
//
//   ScanLineForTime(line, [&](const char* p, const char* end) {
//     return ParseTimeAt(p, end, year, nullptr);
//   });
//
// so any `try_at` that returns what ParseTimeAt would makes ScanLineForTime return what
// ParseLineTimestamp would: the starts tried depend on the line and on which tries failed,
// never on how a try was computed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzer/event.h"
#include "analyzer/timestamp.h"

namespace sockfilter {

// Longest timestamp text after its start ("Sun Dec 04 04:47:44.123456789 2005" and a
// zone fit well within it): a try reads at most this many bytes.
inline constexpr size_t kMaxTimestampBytes = 48;
// Candidate starts tried after the line's own start fails; bounds the cost of a line
// that has no time at all.
inline constexpr int kMaxFallbackTries = 4;

// What a parse knew when it reached its clock's seconds ("2026-11-24 10:00:|00.123Z").
//
// Every format reads the bytes before its seconds in order, decides nothing on a byte at
// or after them, and hands the rest of the parse to ResumeAtSeconds with this minute and
// zone. So for any range [p, end) at least as long as (seconds - start) whose first
// (seconds - start) bytes repeat those of the marked range [start, ...), with the same
// default year,
//   ParseTimeAt(p, end, year, ...) ==
//       ResumeAtSeconds(p + (seconds - start), end, minute, zone, any memo).
struct ClockMark {
  // Where the seconds' digits start; null when the parse reached no clock it can resume
  // (ctime's year comes after the clock; java.util.logging and HDFS have no "HH:MM:").
  const char* seconds = nullptr;
  // TimeFromCivil of the date, hour and minute (second 0, before the zone); kNoTime when
  // they are out of range.
  TimeMs minute = kNoTime;
  bool zone = false;  // a zone may follow the clock (ISO 8601, common log format)
};

// The time that starts at `p`, reading no further than `end` (the same as
// ParseLineTimestamp of [p, end) when that range starts with its time). When `mark` is
// not null, it is set as ClockMark says.
TimeMs ParseTimeAt(const char* p, const char* end, int default_year, ClockMark* mark);

// A zone, and the byte after it that must not be a digit, lie within 8 bytes (" +hh:mm"
// and one), and their reading depends on nothing else: the same 8 bytes give the same
// zone. ResumeAtSeconds keeps the last one here, to read " +0000]" once per run of lines.
inline constexpr size_t kZoneBytes = 8;
struct ZoneMemo {
  uint64_t bytes = 0;  // the kZoneBytes bytes after the fraction, as they lie in memory
  bool valid = false;  // `bytes` were read
  bool ok = false;     // a zone in range (or none) and no digit after it
  int offset_minutes = 0;
};

// The end of a marked parse: the seconds at `seconds` ("00.123+01:00 ..."), their
// fraction and (with `zone`) a zone, and the check that no digit follows, added to
// `minute` (kNoTime when `minute` is kNoTime). The parse itself ends this way. `memo`
// may be null.
TimeMs ResumeAtSeconds(const char* seconds, const char* end, TimeMs minute, bool zone,
                       ZoneMemo* memo);

namespace scan_internal {

inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

inline size_t SkipBlanks(std::string_view text, size_t limit) {
  size_t i = 0;
  while (i < text.size() && i < limit && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

// A try at line[at], bounded by kMaxTimestampBytes.
template <class TryAt>
TimeMs TryFrom(std::string_view line, size_t at, TryAt& try_at) {
  const size_t n = std::min(line.size() - at, kMaxTimestampBytes);
  return try_at(line.data() + at, line.data() + at + n);
}

// The tries after each `mark` ('[', or '=' with an optional quote) within the window,
// while fewer than kMaxFallbackTries were made.
template <class TryAt>
TimeMs TryAfterMarks(std::string_view line, std::string_view window, size_t start, char mark,
                     int* tries, TryAt& try_at) {
  for (size_t i = window.find(mark, start + 1);
       i != std::string_view::npos && i + 1 < window.size() && *tries < kMaxFallbackTries;
       i = window.find(mark, i + 1)) {
    const size_t at = mark == '=' && window[i + 1] == '"' ? i + 2 : i + 1;
    ++*tries;
    const TimeMs t = TryFrom(line, at, try_at);
    if (t != kNoTime) return t;
  }
  return kNoTime;
}

// The line does not start with a time: try after the first word (when a digit follows),
// then after each '[' and each '=' (with an optional quote), within the scan window.
template <class TryAt>
TimeMs TryFallbacks(std::string_view line, size_t start, TryAt& try_at) {
  const std::string_view window = line.substr(0, kTimestampScanBytes);
  int tries = 0;
  const size_t space = window.find(' ', start);
  if (space != std::string_view::npos && space + 1 < window.size() && IsDigit(window[space + 1])) {
    ++tries;
    const TimeMs t = TryFrom(line, space + 1, try_at);
    if (t != kNoTime) return t;
  }
  const TimeMs t = TryAfterMarks(line, window, start, '[', &tries, try_at);
  return t != kNoTime ? t : TryAfterMarks(line, window, start, '=', &tries, try_at);
}

}  // namespace scan_internal

// ParseLineTimestamp's walk over `line`: `try_at(p, end)` (a callable taking two
// `const char*`) returns the time that starts at p, reading no further than end, or
// kNoTime.
template <class TryAt>
TimeMs ScanLineForTime(std::string_view line, TryAt&& try_at) {
  const size_t start = scan_internal::SkipBlanks(line, kTimestampScanBytes);
  const TimeMs t = scan_internal::TryFrom(line, start, try_at);
  return t != kNoTime ? t : scan_internal::TryFallbacks(line, start, try_at);
}

}  // namespace sockfilter
