#include "analyzer/host/capture_time.h"

#include <time.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace {

struct Parts {
  int year = -1, month = -1, day = -1;
  int hour = -1, minute = -1;
  double second = -1;
  int offset_seconds = 0;
  bool pm = false, am = false;
};

// Days from 1970-01-01 to a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int MonthNumber(std::string_view s) {
  static const std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() < 3) return 0;
  char lower[3] = {static_cast<char>(std::tolower(s[0])), static_cast<char>(std::tolower(s[1])),
                   static_cast<char>(std::tolower(s[2]))};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == std::string_view(lower, 3)) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool IsWeekday(std::string_view s) {
  static const std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
  for (std::string_view day : kDays) {
    if (s.size() >= 3 && s.substr(0, 3) == day) return true;
  }
  return false;
}

// "10:15:01", "10:15:01.123" -> parts.
bool ParseClock(std::string_view s, Parts* p) {
  if (s.size() < 8 || s[2] != ':' || s[5] != ':') return false;
  if (!AllDigits(s.substr(0, 2)) || !AllDigits(s.substr(3, 2)) || !AllDigits(s.substr(6, 2)))
    return false;
  p->hour = (s[0] - '0') * 10 + (s[1] - '0');
  p->minute = (s[3] - '0') * 10 + (s[4] - '0');
  double fraction = 0;
  if (s.size() > 8) {
    if ((s[8] != '.' && s[8] != ',') || !AllDigits(s.substr(9))) return false;
    fraction = std::stod("0." + std::string(s.substr(9)));
  }
  p->second = (s[6] - '0') * 10 + (s[7] - '0') + fraction;
  return p->hour < 24 && p->minute < 60;
}

// "+0100", "-05:00", "Z" -> offset.
bool ParseOffset(std::string_view s, Parts* p) {
  if (s == "Z") return true;
  if (s.size() != 5 && s.size() != 6) return false;
  if (s[0] != '+' && s[0] != '-') return false;
  std::string digits;
  for (char c : s.substr(1)) {
    if (c != ':') digits.push_back(c);
  }
  if (digits.size() != 4 || !AllDigits(digits)) return false;
  int minutes = std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2));
  p->offset_seconds = (s[0] == '-' ? -1 : 1) * minutes * 60;
  return true;
}

// "2025-03-04" or "2025-03-04T10:15:01.5+01:00".
bool ParseIsoToken(std::string_view s, Parts* p) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2)))
    return false;
  p->year = std::stoi(std::string(s.substr(0, 4)));
  p->month = std::stoi(std::string(s.substr(5, 2)));
  p->day = std::stoi(std::string(s.substr(8, 2)));
  if (s.size() == 10) return true;
  if (s[10] != 'T') return false;
  std::string_view rest = s.substr(11);
  size_t zone = rest.find_first_of("Z+-");
  if (zone != std::string_view::npos && !ParseOffset(rest.substr(zone), p)) return false;
  return ParseClock(rest.substr(0, zone), p);
}

bool IsZoneName(std::string_view s) {
  if (s.size() < 2 || s.size() > 5) return false;
  for (char c : s) {
    if (!std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool TakeToken(std::string_view t, Parts* p) {
  if (ParseIsoToken(t, p)) return true;
  if (p->hour < 0 && ParseClock(t, p)) return true;
  if (t == "AM" || t == "PM") {
    (t == "PM" ? p->pm : p->am) = true;
    return true;
  }
  if (ParseOffset(t, p) || IsWeekday(t)) return true;
  if (int m = MonthNumber(t); m > 0 && t.size() <= 9) {
    p->month = m;
    return true;
  }
  if (AllDigits(t) && t.size() == 4) {
    p->year = std::stoi(std::string(t));
    return true;
  }
  if (AllDigits(t) && t.size() <= 2 && p->day < 0) {
    p->day = std::stoi(std::string(t));
    return true;
  }
  return IsZoneName(t);
}

double ToUnix(const Parts& p) {
  int hour = p.hour % 12 + (p.pm ? 12 : 0);
  if (!p.pm && !p.am) hour = p.hour;
  return static_cast<double>(DaysFromCivil(p.year, p.month, p.day)) * 86400 + hour * 3600 +
         p.minute * 60 + p.second - p.offset_seconds;
}

bool IsDecoration(char c) {
  return c == '#' || c == '=' || c == '-' || c == '*' || c == '>' || c == '<' || c == '[' ||
         c == ']' || IsSpace(c);
}

}  // namespace

std::optional<double> ParseTimestampLine(std::string_view line) {
  while (!line.empty() && IsDecoration(line.front())) line.remove_prefix(1);
  while (!line.empty() && IsDecoration(line.back())) line.remove_suffix(1);
  if (line.empty() || line.size() > 64) return std::nullopt;
  if (line[0] == '@') line.remove_prefix(1);
  // `date +%s`: ten digits are seconds from 2001 to 2286; anything shorter is a count.
  std::string_view whole = line.substr(0, line.find('.'));
  if (whole.size() == 10 && AllDigits(whole) &&
      (whole.size() == line.size() || AllDigits(line.substr(11)))) {
    return std::stod(std::string(line));
  }
  Parts parts;
  // "Tue, 04 Mar 2025" (date -R) has a comma after the weekday; "10:15:01,123" has one
  // inside the seconds, which must stay.
  std::string spaced(line);
  for (size_t i = 0; i < spaced.size(); ++i) {
    if (spaced[i] == ',' && (i + 1 == spaced.size() || spaced[i + 1] == ' ')) spaced[i] = ' ';
  }
  for (std::string_view token : SplitFields(spaced)) {
    if (!TakeToken(token, &parts)) return std::nullopt;
  }
  if (parts.year < 1970 || parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > 31 ||
      parts.hour < 0) {
    return std::nullopt;
  }
  return ToUnix(parts);
}

std::string FormatIsoUtc(double unix_time) {
  time_t seconds = static_cast<time_t>(std::floor(unix_time));
  int millis = static_cast<int>(std::lround((unix_time - static_cast<double>(seconds)) * 1000));
  if (millis == 1000) ++seconds, millis = 0;
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

double UnixNow() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace sockfilter
