// LineClock: ParseLineTimestamp (analyzer/timestamp.h) for a stream of lines, made cheap
// by remembering the layouts of the last times it parsed.
//
// Consecutive records of a log mostly repeat their timestamp's bytes down to the minute
// ("2024-03-11 03:13:", "[11/Mar/2024:03:13:", "ts=2024-03-11T03:13:") and differ only
// after it. The clock keeps those bytes from the last two parses that found a time, with
// the epoch time of that minute; a later try whose bytes repeat them is finished from its
// seconds (SS, fraction, zone) instead of parsed whole. On the 64 MiB test corpus the
// event first lines take 48% of the instructions of the plain parse. The starts tried in
// a line, and their order, are ParseLineTimestamp's own (analyzer/timestamp_scan.h), so
// every line gets exactly what ParseLineTimestamp(line, default_year()) returns, in any
// order of lines (tests/line_clock_test.cpp and the timestamp fuzz target check it).
//
// Not thread-safe; no allocation. Nothing of a line is kept past the call but a copy of
// the bytes before its seconds.
//
//   LineClock clock(YearOf(file_mtime_ms));
//   for (const Event& event : events) event.tags.time = clock.Time(event.first_line_text());
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzer/event.h"
#include "analyzer/timestamp_scan.h"

namespace sockfilter {

class LineClock {
 public:
  explicit LineClock(int default_year = 1970) : default_year_(default_year) {}

  // The year for times written without one (syslog RFC 3164, glog). A different year
  // forgets the remembered minute, which was computed with the old one.
  void set_default_year(int year);
  int default_year() const { return default_year_; }

  // The time at the start of `line`: the same as ParseLineTimestamp(line, default_year()).
  TimeMs Time(std::string_view line);

  // How many tries were finished from a remembered layout (tests and benchmarks look).
  uint64_t resumed() const { return resumed_; }

 private:
  // How a try that found a time began: the bytes from its start to its seconds, and what
  // its parse knew there (ClockMark).
  struct Layout {
    uint64_t head = 0;                     // the first 8 bytes of `prefix`, as they lie in memory
    size_t size = kMaxTimestampBytes + 1;  // longer than any try when there is no layout
    TimeMs minute = kNoTime;
    bool zone = false;
    char prefix[kMaxTimestampBytes] = {};
  };
  // Logs often interleave two sources (an access log and the application's own lines),
  // so the clock keeps two layouts, the one that served last first.
  static constexpr int kLayouts = 2;

  // ParseTimeAt(p, end, default_year_, ...), resumed at the seconds when [p, end)
  // repeats a layout's bytes.
  TimeMs TimeAt(const char* p, const char* end);
  // ParseTimeAt whole; remembers the layout when it finds a time through a resumable clock.
  TimeMs ParseAt(const char* p, const char* end);

  int default_year_;
  Layout layouts_[kLayouts];
  ZoneMemo zone_memo_;  // the zone after the last seconds resumed
  uint64_t resumed_ = 0;
};

}  // namespace sockfilter
