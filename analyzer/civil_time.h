// Civil time: UTC calendar arithmetic on TimeMs and the ISO 8601 text that markers and
// reports print ("2026-11-24T10:00:00.123Z").
//
// Pure functions over the proleptic Gregorian calendar (days-from-civil arithmetic, no
// time zone database, no locale, no allocation except the std::string formatter).
// analyzer/timestamp.h parses log text into TimeMs with them.
//
//   char text[kIsoUtcLength];
//   size_t n = FormatIsoUtc(event.tags.time, text);   // 0 for kNoTime
//   out.append(text, n);
#pragma once

#include <cstddef>
#include <string>

#include "analyzer/event.h"

namespace sockfilter {

// Length of "2026-11-24T10:00:00.123Z".
inline constexpr size_t kIsoUtcLength = 24;

// Milliseconds since the epoch of a UTC civil time; kNoTime when a field is out of range
// (year 1-9999, month 1-12, day within the month, hour 0-23, minute 0-59, second 0-60).
// A leap second (60) reads as the next minute's 0.
TimeMs TimeFromCivil(int year, int month, int day, int hour, int minute, int second, int millis);

// Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (kIsoUtcLength bytes, no terminator) to `out` and
// returns kIsoUtcLength; returns 0 and writes nothing for kNoTime or a time outside
// years 0-9999.
size_t FormatIsoUtc(TimeMs time, char* out);
// The same as a string ("" when not representable).
std::string FormatIsoUtc(TimeMs time);

// The UTC year of `time` (for a default year from a file's mtime); 1970 for kNoTime.
int YearOf(TimeMs time);
// The current UTC year, from the system clock.
int CurrentUtcYear();

// The same month, day and time of day as `time` (UTC) in `year`: what a timestamp written
// without a year reads as in that year. kNoTime for Feb 29 in a common year, for a year
// outside 1-9999, and for kNoTime.
TimeMs InYear(TimeMs time, int year);

}  // namespace sockfilter
