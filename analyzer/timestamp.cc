#include "analyzer/timestamp.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sockfilter {
namespace {

// Longest timestamp text after its start ("Sun Dec 04 04:47:44.123456789 2005" and a
// zone fit well within it).
constexpr size_t kMaxTimestampBytes = 48;
// Candidate starts tried after the line's own start fails; bounds the cost of a line
// that has no time at all.
constexpr int kMaxFallbackTries = 4;

bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
bool IsUpper(char c) { return static_cast<unsigned char>(c - 'A') < 26; }
bool IsAlnum(char c) { return IsDigit(c) || static_cast<unsigned char>((c | 0x20) - 'a') < 26; }

// A read position in a bounded byte range. Peek past the end reads '\0', so shape tests
// need no bounds checks of their own.
struct Cursor {
  const char* p;
  const char* end;

  char Peek(size_t i = 0) const { return static_cast<size_t>(end - p) > i ? p[i] : '\0'; }
  bool Eat(char c) {
    if (p == end || *p != c) return false;
    ++p;
    return true;
  }
  // Exactly `n` digits.
  bool Num(int n, int* out) {
    if (end - p < n) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      unsigned d = static_cast<unsigned char>(p[i]) - '0';
      if (d > 9) return false;
      v = v * 10 + static_cast<int>(d);
    }
    p += n;
    *out = v;
    return true;
  }
  // A day of month written as "4", "04" or " 4" (syslog pads with a space).
  bool Day(int* out) {
    if (Peek() == ' ' && IsDigit(Peek(1))) ++p;
    if (!IsDigit(Peek())) return false;
    return IsDigit(Peek(1)) ? Num(2, out) : Num(1, out);
  }
  // Three letters from `table` (case-insensitive); `*out` is their 1-based index.
  bool Name(const char* table, int count, int* out) {
    if (end - p < 3) return false;
    for (int i = 0; i < count; ++i) {
      const char* n = table + 3 * i;
      if ((p[0] | 0x20) == n[0] && (p[1] | 0x20) == n[1] && (p[2] | 0x20) == n[2]) {
        p += 3;
        *out = i + 1;
        return true;
      }
    }
    return false;
  }
  bool Month(int* out) { return Name("janfebmaraprmayjunjulaugsepoctnovdec", 12, out); }
  bool Weekday() {
    int unused;
    return Name("montuewedthufrisatsun", 7, &unused);
  }
};

struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  int offset_minutes = 0;  // east of UTC
};

// ".123", ",849", ".619632", up to 9 digits (more are read and ignored); truncated to
// milliseconds. A separator without digits is left unread.
void ParseFraction(Cursor& c, Civil* t) {
  if ((c.Peek() != '.' && c.Peek() != ',') || !IsDigit(c.Peek(1))) return;
  ++c.p;
  int ms = 0;
  int n = 0;
  for (; IsDigit(c.Peek()); ++c.p, ++n) {
    if (n < 3) ms = ms * 10 + (*c.p - '0');
  }
  for (; n < 3; ++n) ms *= 10;
  t->millis = ms;
}

// HH:MM[:SS[.fff]]
bool ParseClock(Cursor& c, Civil* t, bool seconds_required) {
  if (!c.Num(2, &t->hour) || !c.Eat(':') || !c.Num(2, &t->minute)) return false;
  if (c.Peek() == ':') {
    ++c.p;
    if (!c.Num(2, &t->second)) return false;
    ParseFraction(c, t);
  } else if (seconds_required) {
    return false;
  }
  return true;
}

// Offset digits after the sign: "hh:mm", "hhmm", or (when `hours_alone`) "hh".
bool ParseOffset(Cursor& c, bool hours_alone, int* minutes) {
  int hh = 0, mm = 0;
  if (!c.Num(2, &hh)) return false;
  if (c.Eat(':')) {
    if (!c.Num(2, &mm)) return false;
  } else if (IsDigit(c.Peek())) {
    if (!c.Num(2, &mm)) return false;
  } else if (!hours_alone) {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  *minutes = hh * 60 + mm;
  return true;
}

// An optional zone: "Z", "+01:00", "+0100", "+01" attached, or " +0000" / " UTC" after a
// space. False only for a zone that is there but out of range.
bool ParseZone(Cursor& c, Civil* t) {
  const char ch = c.Peek();
  if (ch == 'Z' || ch == 'z') {
    ++c.p;
    return true;
  }
  const bool spaced = ch == ' ';
  const char sign = spaced ? c.Peek(1) : ch;
  if (sign == '+' || sign == '-') {
    if (!IsDigit(c.Peek(spaced ? 2 : 1))) return true;  // "10:00:00 - INFO": no zone
    Cursor z{c.p + (spaced ? 2 : 1), c.end};
    int minutes = 0;
    if (!ParseOffset(z, !spaced, &minutes)) return false;
    t->offset_minutes = sign == '+' ? minutes : -minutes;
    c = z;
    return true;
  }
  if (spaced &&
      ((c.Peek(1) == 'U' && c.Peek(2) == 'T' && c.Peek(3) == 'C') ||
       (c.Peek(1) == 'G' && c.Peek(2) == 'M' && c.Peek(3) == 'T')) &&
      !IsAlnum(c.Peek(4))) {
    c.p += 4;
  }
  return true;
}

// The timestamp ends here: a digit right after it means it was something else.
TimeMs Finish(const Cursor& c, const Civil& t) {
  if (IsDigit(c.Peek())) return kNoTime;
  const TimeMs base = TimeFromCivil(t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis);
  return base == kNoTime ? kNoTime : base - int64_t{t.offset_minutes} * 60'000;
}

// 2026-11-24T10:00:00.123+01:00, 2026-11-24 10:00:00,123, 2026/11/24 10:00:00
TimeMs ParseYmd(Cursor c) {
  Civil t;
  if (!c.Num(4, &t.year)) return kNoTime;
  const char sep = c.Peek();
  if (sep != '-' && sep != '/') return kNoTime;
  ++c.p;
  if (!c.Num(2, &t.month) || !c.Eat(sep) || !c.Num(2, &t.day)) return kNoTime;
  const char tee = c.Peek();
  if (tee != 'T' && tee != 't' && tee != ' ') return kNoTime;
  ++c.p;
  if (!ParseClock(c, &t, false) || !ParseZone(c, &t)) return kNoTime;
  return Finish(c, t);
}

// Common log format: 24/Nov/2026:10:00:00 +0000
TimeMs ParseClf(Cursor c) {
  Civil t;
  if (!c.Num(2, &t.day) || !c.Eat('/') || !c.Month(&t.month) || !c.Eat('/') || !c.Num(4, &t.year) ||
      !c.Eat(':') || !ParseClock(c, &t, true) || !ParseZone(c, &t)) {
    return kNoTime;
  }
  return Finish(c, t);
}

// Two-digit years: Spark "17/06/09 20:10:40", HDFS "081109 203615".
TimeMs ParseShortYear(Cursor c) {
  Civil t;
  if (c.Peek(2) == '/') {
    if (!c.Num(2, &t.year) || !c.Eat('/') || !c.Num(2, &t.month) || !c.Eat('/') ||
        !c.Num(2, &t.day) || !c.Eat(' ') || !ParseClock(c, &t, true)) {
      return kNoTime;
    }
  } else if (!c.Num(2, &t.year) || !c.Num(2, &t.month) || !c.Num(2, &t.day) || !c.Eat(' ') ||
             !c.Num(2, &t.hour) || !c.Num(2, &t.minute) || !c.Num(2, &t.second)) {
    return kNoTime;
  }
  t.year += t.year < 70 ? 2000 : 1900;
  return Finish(c, t);
}

TimeMs ParseNumeric(Cursor c) {
  if (IsDigit(c.Peek(2)) && IsDigit(c.Peek(3)) && (c.Peek(4) == '-' || c.Peek(4) == '/')) {
    return ParseYmd(c);
  }
  if (c.Peek(2) == '/') return IsDigit(c.Peek(3)) ? ParseShortYear(c) : ParseClf(c);
  if (c.Peek(6) == ' ') return ParseShortYear(c);
  return kNoTime;
}

// java.util.logging's default header after "Nov 24": ", 2026 4:10:02 AM" (a 12-hour clock;
// newer JDKs put U+202F, a narrow no-break space, before AM/PM).
bool ParseJulRest(Cursor& c, Civil* t) {
  if (!c.Eat(',') || !c.Eat(' ') || !c.Num(4, &t->year) || !c.Eat(' ')) return false;
  if (!c.Num(IsDigit(c.Peek(1)) ? 2 : 1, &t->hour) || !c.Eat(':') || !c.Num(2, &t->minute) ||
      !c.Eat(':') || !c.Num(2, &t->second)) {
    return false;
  }
  if (!c.Eat(' ') && !(c.Eat('\xE2') && c.Eat('\x80') && c.Eat('\xAF'))) return false;
  const bool pm = c.Peek() == 'P';
  if ((!pm && c.Peek() != 'A') || c.Peek(1) != 'M' || t->hour < 1 || t->hour > 12) return false;
  c.p += 2;
  t->hour = t->hour % 12 + (pm ? 12 : 0);
  return true;
}

// syslog "Nov 24 10:00:00" (year from the caller), ctime "Sun Dec 04 04:47:44 2005",
// glog "E0517 15:04:22.619632" (year from the caller), java.util.logging
// "Nov 24, 2026 4:10:02 AM".
TimeMs ParseWords(Cursor c, int default_year) {
  Civil t;
  t.year = default_year;
  const char ch = c.Peek();
  if ((ch == 'I' || ch == 'W' || ch == 'E' || ch == 'F') && IsDigit(c.Peek(1))) {
    ++c.p;
    if (!c.Num(2, &t.month) || !c.Num(2, &t.day) || !c.Eat(' ') || !ParseClock(c, &t, true)) {
      return kNoTime;
    }
    return Finish(c, t);
  }
  const bool ctime = c.Peek(3) == ' ' && IsUpper(c.Peek(4)) && c.Weekday() && c.Eat(' ');
  if (!c.Month(&t.month) || !c.Eat(' ') || !c.Day(&t.day)) return kNoTime;
  if (!ctime && c.Peek() == ',') return ParseJulRest(c, &t) ? Finish(c, t) : kNoTime;
  if (!c.Eat(' ') || !ParseClock(c, &t, true)) return kNoTime;
  if (ctime && (!c.Eat(' ') || !c.Num(4, &t.year))) return kNoTime;
  return Finish(c, t);
}

TimeMs ParseAt(Cursor c, int default_year, int depth = 0);

// Syslog priority: "<34>1 2026-11-24T10:00:00.003Z" (RFC 5424) or "<34>Nov 24 ..." (3164).
TimeMs ParsePriority(Cursor c, int default_year, int depth) {
  ++c.p;
  int digits = 0;
  for (; IsDigit(c.Peek()) && digits < 3; ++digits) ++c.p;
  if (digits == 0 || !c.Eat('>')) return kNoTime;
  if (IsDigit(c.Peek())) {  // RFC 5424 version, then its timestamp ("-" when absent)
    while (IsDigit(c.Peek())) ++c.p;
    if (!c.Eat(' ')) return kNoTime;
  }
  return ParseAt(c, default_year, depth + 1);
}

TimeMs ParseAt(Cursor c, int default_year, int depth) {
  const char ch = c.Peek();
  if (IsDigit(ch)) return ParseNumeric(c);
  if (IsUpper(ch)) return ParseWords(c, default_year);
  if (depth > 0) return kNoTime;
  if (ch == '[') {
    ++c.p;
    return ParseAt(c, default_year, depth + 1);
  }
  if (ch == '<') return ParsePriority(c, default_year, depth);
  return kNoTime;
}

// A timestamp that starts at line[at], reading at most kMaxTimestampBytes.
TimeMs ParseFrom(std::string_view line, size_t at, int default_year) {
  const size_t n = std::min(line.size() - at, kMaxTimestampBytes);
  return ParseAt(Cursor{line.data() + at, line.data() + at + n}, default_year);
}

// The line does not start with a time: try after the first word (when a digit follows),
// then after each '[' and each '=' (with an optional quote), within the scan window.
TimeMs ParseFallback(std::string_view line, size_t start, int default_year) {
  const std::string_view window = line.substr(0, kTimestampScanBytes);
  int tries = 0;
  const size_t space = window.find(' ', start);
  if (space != std::string_view::npos && space + 1 < window.size() && IsDigit(window[space + 1])) {
    ++tries;
    const TimeMs t = ParseFrom(line, space + 1, default_year);
    if (t != kNoTime) return t;
  }
  for (const char mark : {'[', '='}) {
    for (size_t i = window.find(mark, start + 1);
         i != std::string_view::npos && i + 1 < window.size() && tries < kMaxFallbackTries;
         i = window.find(mark, i + 1)) {
      const size_t at = mark == '=' && window[i + 1] == '"' ? i + 2 : i + 1;
      ++tries;
      const TimeMs t = ParseFrom(line, at, default_year);
      if (t != kNoTime) return t;
    }
  }
  return kNoTime;
}

size_t SkipBlanks(std::string_view text, size_t limit) {
  size_t i = 0;
  while (i < text.size() && i < limit && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

// Milliseconds, microseconds or nanoseconds (at least 1e11) to milliseconds.
TimeMs MillisOfUnit(uint64_t value) {
  if (value < 100'000'000'000'000) return static_cast<TimeMs>(value);
  if (value < 100'000'000'000'000'000) return static_cast<TimeMs>(value / 1000);
  return static_cast<TimeMs>(value / 1'000'000);
}

// The digits of "1.7101268e9" before the exponent, as a double.
double MantissaOf(const char* p, const char* end) {
  double value = 0;
  for (; p < end && IsDigit(*p); ++p) value = value * 10 + (*p - '0');
  double scale = 1;
  if (p < end && *p == '.') {
    for (++p; p < end && IsDigit(*p); ++p) {
      scale /= 10;
      value += (*p - '0') * scale;
    }
  }
  return value;
}

// "1.7101268e9": rare in logs, so it goes through a double, rounded to the millisecond.
// `c` is just after the 'e'.
TimeMs ApplyExponent(Cursor c, double mantissa) {
  const bool negative = c.Eat('-');
  if (!negative) c.Eat('+');
  int exponent = 0;
  int digits = 0;
  for (; IsDigit(c.Peek()) && digits < 3; ++c.p, ++digits) exponent = exponent * 10 + (*c.p - '0');
  if (digits == 0 || c.p != c.end) return kNoTime;
  const double value = mantissa * std::pow(10.0, negative ? -exponent : exponent);
  if (!(value < 1e19)) return kNoTime;
  if (value < 1e11) return static_cast<TimeMs>(std::llround(value * 1e3));
  return MillisOfUnit(static_cast<uint64_t>(value + 0.5));
}

}  // namespace

TimeMs ParseLineTimestamp(std::string_view line, int default_year) {
  const size_t start = SkipBlanks(line, kTimestampScanBytes);
  const size_t limit =
      start + kMaxTimestampBytes < line.size() ? start + kMaxTimestampBytes : line.size();
  const TimeMs t = ParseAt(Cursor{line.data() + start, line.data() + limit}, default_year);
  return t != kNoTime ? t : ParseFallback(line, start, default_year);
}

TimeMs ParseTimestampValue(std::string_view text, int default_year) {
  const size_t start = SkipBlanks(text, text.size());
  text.remove_prefix(start);
  const TimeMs t = ParseAt(Cursor{text.data(), text.data() + text.size()}, default_year);
  return t != kNoTime ? t : ParseEpochNumber(text);
}

TimeMs ParseEpochNumber(std::string_view number) {
  while (!number.empty() && (number.back() == ' ' || number.back() == '\t')) {
    number.remove_suffix(1);
  }
  number.remove_prefix(SkipBlanks(number, number.size()));
  Cursor c{number.data(), number.data() + number.size()};
  if (!IsDigit(c.Peek())) return kNoTime;
  uint64_t whole = 0;
  int whole_digits = 0;
  for (; IsDigit(c.Peek()); ++c.p, ++whole_digits) whole = whole * 10 + (*c.p - '0');
  if (whole_digits > 19) return kNoTime;
  int frac_ms = 0;  // the first three fraction digits
  if (c.Eat('.')) {
    if (!IsDigit(c.Peek())) return kNoTime;
    for (int i = 0; IsDigit(c.Peek()); ++c.p, ++i) {
      if (i < 3) frac_ms += (*c.p - '0') * (i == 0 ? 100 : i == 1 ? 10 : 1);
    }
  }
  if (c.Peek() == 'e' || c.Peek() == 'E') {
    const double mantissa = MantissaOf(number.data(), c.p);
    ++c.p;
    return ApplyExponent(c, mantissa);
  }
  if (c.p != c.end) return kNoTime;
  if (whole < 100'000'000'000) return static_cast<TimeMs>(whole * 1000 + frac_ms);
  return MillisOfUnit(whole);
}

}  // namespace sockfilter
