#include "analyzer/civil_time.h"

#include <cstdint>
#include <ctime>

namespace sockfilter {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

int64_t DaysFromCivil(int64_t y, int m, int d) {
  // Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

char* PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + width;
}

// Splits a time into whole days since the epoch and milliseconds into the day.
void SplitDays(TimeMs time, int64_t* days, int64_t* ms) {
  *days = time / kMsPerDay;
  *ms = time % kMsPerDay;
  if (*ms < 0) {
    *ms += kMsPerDay;
    --*days;
  }
}

}  // namespace

TimeMs TimeFromCivil(int year, int month, int day, int hour, int minute, int second, int millis) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60 || hour < 0 ||
      minute < 0 || second < 0 || millis < 0 || millis > 999) {
    return kNoTime;
  }
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second;  // second 60 (a leap second) reads as the next minute's 0
  return seconds * 1000 + millis;
}

size_t FormatIsoUtc(TimeMs time, char* out) {
  if (time == kNoTime) return 0;
  int64_t days, ms;
  SplitDays(time, &days, &ms);
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) return 0;
  char* p = PutDigits(out, year, 4);
  *p++ = '-';
  p = PutDigits(p, month, 2);
  *p++ = '-';
  p = PutDigits(p, day, 2);
  *p++ = 'T';
  p = PutDigits(p, ms / 3'600'000, 2);
  *p++ = ':';
  p = PutDigits(p, ms / 60'000 % 60, 2);
  *p++ = ':';
  p = PutDigits(p, ms / 1000 % 60, 2);
  *p++ = '.';
  p = PutDigits(p, ms % 1000, 3);
  *p = 'Z';
  return kIsoUtcLength;
}

std::string FormatIsoUtc(TimeMs time) {
  char text[kIsoUtcLength];
  return std::string(text, FormatIsoUtc(time, text));
}

int YearOf(TimeMs time) {
  if (time == kNoTime) return 1970;
  int64_t days, ms;
  SplitDays(time, &days, &ms);
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  return static_cast<int>(year);
}

TimeMs InYear(TimeMs time, int year) {
  if (time == kNoTime || year < 1 || year > 9999) return kNoTime;
  int64_t days, ms;
  SplitDays(time, &days, &ms);
  int64_t from_year;
  int month, day;
  CivilFromDays(days, &from_year, &month, &day);
  if (day > DaysInMonth(year, month)) return kNoTime;
  return DaysFromCivil(year, month, day) * kMsPerDay + ms;
}

int CurrentUtcYear() { return YearOf(static_cast<TimeMs>(std::time(nullptr)) * 1000); }

}  // namespace sockfilter
