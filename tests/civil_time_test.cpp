#include "analyzer/civil_time.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "analyzer/timestamp.h"

namespace sockfilter {
namespace {

// Expected values were computed independently with `date -u -d '<time>' +%s%3N`; the
// random cases are checked against glibc's timegm and gmtime_r.

TEST_CASE("times format as ISO 8601 UTC with milliseconds", "[civil_time]") {
  CHECK(FormatIsoUtc(TimeMs{0}) == "1970-01-01T00:00:00.000Z");
  CHECK(FormatIsoUtc(TimeMs{-1}) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatIsoUtc(TimeMs{1795514400123}) == "2026-11-24T10:00:00.123Z");
  CHECK(FormatIsoUtc(TimeMs{1709251199999}) == "2024-02-29T23:59:59.999Z");
  CHECK(FormatIsoUtc(TimeMs{253402300799999}) == "9999-12-31T23:59:59.999Z");
  CHECK(FormatIsoUtc(TimeMs{253402300800000}).empty());
  CHECK(FormatIsoUtc(kNoTime).empty());
  char text[kIsoUtcLength];
  REQUIRE(FormatIsoUtc(TimeMs{1795514400123}, text) == kIsoUtcLength);
  CHECK(std::string(text, kIsoUtcLength) == "2026-11-24T10:00:00.123Z");
}

// A fixed pseudo-random sequence, so a failure reproduces.
uint64_t NextRandom(uint64_t* state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return *state >> 33;
}

TEST_CASE("civil times agree with timegm and survive a format round trip", "[civil_time]") {
  uint64_t state = 42;
  for (int i = 0; i < 20000; ++i) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(NextRandom(&state) % 400) + 1800 - 1900;
    tm.tm_mon = static_cast<int>(NextRandom(&state) % 12);
    tm.tm_mday = static_cast<int>(NextRandom(&state) % 28) + 1;
    tm.tm_hour = static_cast<int>(NextRandom(&state) % 24);
    tm.tm_min = static_cast<int>(NextRandom(&state) % 60);
    tm.tm_sec = static_cast<int>(NextRandom(&state) % 60);
    const int millis = static_cast<int>(NextRandom(&state) % 1000);
    const TimeMs expected = static_cast<TimeMs>(timegm(&tm)) * 1000 + millis;
    const TimeMs t = TimeFromCivil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                   tm.tm_min, tm.tm_sec, millis);
    INFO("case " << i);
    REQUIRE(t == expected);
    REQUIRE(ParseLineTimestamp(FormatIsoUtc(t), 2026) == t);
    REQUIRE(YearOf(t) == tm.tm_year + 1900);
  }
}

TEST_CASE("the last day of every month is accepted and the next is not", "[civil_time]") {
  for (int year : {1900, 2000, 2023, 2024, 2026}) {
    for (int month = 1; month <= 12; ++month) {
      std::tm tm{};
      tm.tm_year = year - 1900;
      tm.tm_mon = month;  // the first of the next month, minus one day
      tm.tm_mday = 0;
      const time_t last = timegm(&tm);
      std::tm out{};
      gmtime_r(&last, &out);
      INFO(year << "-" << month);
      CHECK(TimeFromCivil(year, month, out.tm_mday, 0, 0, 0, 0) == TimeMs{last} * 1000);
      CHECK(TimeFromCivil(year, month, out.tm_mday + 1, 0, 0, 0, 0) == kNoTime);
    }
  }
}

TEST_CASE("a yearless timestamp moved to another year reads as if parsed in that year",
          "[civil_time]") {
  // InYear is how the dedupe filter places syslog and glog times in the stream's year
  // without parsing the line again for each year it tries.
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  uint64_t state = 7;
  for (int i = 0; i < 20000; ++i) {
    const int month = static_cast<int>(NextRandom(&state) % 12) + 1;
    const int day = static_cast<int>(NextRandom(&state) % 31) + 1;
    const int hour = static_cast<int>(NextRandom(&state) % 24);
    const int minute = static_cast<int>(NextRandom(&state) % 60);
    const int second = static_cast<int>(NextRandom(&state) % 60);
    char line[64];
    if (i % 2 == 0) {
      snprintf(line, sizeof line, "%s %2d %02d:%02d:%02d host app[1]: x", kMonths[month - 1], day,
               hour, minute, second);
    } else {
      snprintf(line, sizeof line, "E%02d%02d %02d:%02d:%02d.%06d 1 x.go:1] x", month, day, hour,
               minute, second, static_cast<int>(NextRandom(&state) % 1000000));
    }
    const int from = 1996 + static_cast<int>(NextRandom(&state) % 40);
    const int to = 1996 + static_cast<int>(NextRandom(&state) % 40);
    const TimeMs t = ParseLineTimestamp(line, from);
    INFO(line << " from " << from << " to " << to);
    if (t == kNoTime) continue;  // Feb 30, or Feb 29 in a common year
    REQUIRE(InYear(t, to) == ParseLineTimestamp(line, to));
  }
  CHECK(InYear(kNoTime, 2024) == kNoTime);
  CHECK(InYear(TimeFromCivil(2024, 2, 29, 1, 2, 3, 4), 2025) == kNoTime);
  CHECK(InYear(TimeFromCivil(2024, 2, 29, 1, 2, 3, 4), 2028) ==
        TimeFromCivil(2028, 2, 29, 1, 2, 3, 4));
  CHECK(InYear(TimeFromCivil(2024, 3, 1, 0, 0, 0, 0), 10000) == kNoTime);
}

TEST_CASE("the current year is plausible", "[civil_time]") {
  CHECK(CurrentUtcYear() >= 2024);
  CHECK(YearOf(TimeMs{1795514400123}) == 2026);
  CHECK(YearOf(TimeMs{-1}) == 1969);
}

}  // namespace
}  // namespace sockfilter
