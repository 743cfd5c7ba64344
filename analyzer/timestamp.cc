#include "analyzer/timestamp.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "analyzer/timestamp_scan.h"

namespace sockfilter {
namespace {

using scan_internal::IsDigit;
using scan_internal::SkipBlanks;

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

// The fields of a time being parsed. A format starts from a seed: the default year (for
// formats without one) and where to mark its clock (ParseTimeAt's `mark`).
struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  int offset_minutes = 0;  // east of UTC
  ClockMark* mark = nullptr;
};

// What a format reads after its clock's seconds and fraction.
enum class AfterClock {
  kEnd,   // nothing: the time ends
  kZone,  // an optional zone
  kYear,  // " 2005" (ctime): the minute is not known at the seconds
};

// ".123", ",849", ".619632", up to 9 digits (more are read and ignored); truncated to
// milliseconds; 0 without a fraction. A separator without digits is left unread.
int ParseFraction(Cursor& c) {
  if ((c.Peek() != '.' && c.Peek() != ',') || !IsDigit(c.Peek(1))) return 0;
  ++c.p;
  int ms = 0;
  for (int n = 0; n < 3; ++n) {  // a missing digit is a 0
    ms *= 10;
    if (IsDigit(c.Peek())) ms += *c.p++ - '0';
  }
  while (IsDigit(c.Peek())) ++c.p;
  return ms;
}

// Offset digits after the sign: "hh:mm", "hhmm", or (when `hours_alone`) "hh".
inline bool ParseOffset(Cursor& c, bool hours_alone, int* minutes) {
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
// space. False only for a zone that is there but out of range. It reads at most 7 bytes
// (" +hh:mm"): ZoneMemo relies on it.
inline bool ParseZone(Cursor& c, int* offset_minutes) {
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
    *offset_minutes = sign == '+' ? minutes : -minutes;
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

// A zone and the end of the time after it: true when the zone is in range and no digit
// follows. Reads only the kZoneBytes bytes from c.p (a zone and the byte after it).
inline bool ParseZoneAndEnd(Cursor c, int* offset_minutes) {
  return ParseZone(c, offset_minutes) && !IsDigit(c.Peek());
}

// An offset (" +0000", "-07:00") may come next. Only that outcome of ParseZoneAndEnd is
// worth remembering: the others are decided by a byte or two, and the bytes after those
// (a level, a pid) rarely repeat.
bool OffsetAhead(const Cursor& c) {
  const char sign = c.Peek() == ' ' ? c.Peek(1) : c.Peek();
  return sign == '+' || sign == '-';
}

// ParseZoneAndEnd, or what it gave for the same kZoneBytes bytes the last time.
bool RecallZoneAndEnd(const Cursor& c, ZoneMemo* memo, int* offset_minutes) {
  if (c.end - c.p < static_cast<ptrdiff_t>(kZoneBytes)) return ParseZoneAndEnd(c, offset_minutes);
  uint64_t bytes;
  std::memcpy(&bytes, c.p, sizeof bytes);
  if (!memo->valid || memo->bytes != bytes) {
    memo->offset_minutes = 0;
    memo->ok = ParseZoneAndEnd(c, &memo->offset_minutes);
    memo->bytes = bytes;
    memo->valid = true;
  }
  *offset_minutes = memo->offset_minutes;
  return memo->ok;
}

// The clock from its seconds on ("00.123+01:00 ..."): SS[.fff], a zone when `zone`, the
// end; `minute` is TimeFromCivil of the fields down to the minute. It reads nothing
// before c.p and knows nothing else of the parse: the point where ResumeAtSeconds
// re-enters a parse. (TimeFromCivil is linear in the second and the millisecond, and
// checks the second only against 60.)
inline TimeMs ParseSeconds(Cursor c, TimeMs minute, bool zone, ZoneMemo* memo) {
  static_assert(sizeof(ZoneMemo::bytes) == kZoneBytes);
  int second = 0;
  if (!c.Num(2, &second)) return kNoTime;
  const int millis = ParseFraction(c);
  int offset_minutes = 0;
  const bool ended = !zone ? !IsDigit(c.Peek())
                     : memo != nullptr && OffsetAhead(c)
                         ? RecallZoneAndEnd(c, memo, &offset_minutes)
                         : ParseZoneAndEnd(c, &offset_minutes);
  if (!ended || second > 60 || minute == kNoTime) return kNoTime;
  return minute + second * 1000 + millis - int64_t{offset_minutes} * 60'000;
}

// HH:MM[:SS[.fff]], what follows the clock (`after`), the end of the time.
TimeMs ParseClock(Cursor c, Civil t, bool seconds_required, AfterClock after) {
  if (!c.Num(2, &t.hour) || !c.Eat(':') || !c.Num(2, &t.minute)) return kNoTime;
  if (!c.Eat(':')) {
    if (seconds_required || (after == AfterClock::kZone && !ParseZone(c, &t.offset_minutes))) {
      return kNoTime;
    }
    return Finish(c, t);
  }
  if (after == AfterClock::kYear) {
    if (!c.Num(2, &t.second)) return kNoTime;
    t.millis = ParseFraction(c);
    if (!c.Eat(' ') || !c.Num(4, &t.year)) return kNoTime;
    return Finish(c, t);
  }
  const TimeMs minute = TimeFromCivil(t.year, t.month, t.day, t.hour, t.minute, 0, 0);
  const bool zone = after == AfterClock::kZone;
  if (t.mark != nullptr) *t.mark = {c.p, minute, zone};
  return ParseSeconds(c, minute, zone, nullptr);
}

// 2026-11-24T10:00:00.123+01:00, 2026-11-24 10:00:00,123, 2026/11/24 10:00:00
TimeMs ParseYmd(Cursor c, Civil t) {
  if (!c.Num(4, &t.year)) return kNoTime;
  const char sep = c.Peek();
  if (sep != '-' && sep != '/') return kNoTime;
  ++c.p;
  if (!c.Num(2, &t.month) || !c.Eat(sep) || !c.Num(2, &t.day)) return kNoTime;
  const char tee = c.Peek();
  if (tee != 'T' && tee != 't' && tee != ' ') return kNoTime;
  ++c.p;
  return ParseClock(c, t, false, AfterClock::kZone);
}

// Common log format: 24/Nov/2026:10:00:00 +0000
TimeMs ParseClf(Cursor c, Civil t) {
  if (!c.Num(2, &t.day) || !c.Eat('/') || !c.Month(&t.month) || !c.Eat('/') || !c.Num(4, &t.year) ||
      !c.Eat(':')) {
    return kNoTime;
  }
  return ParseClock(c, t, true, AfterClock::kZone);
}

// Two-digit years: Spark "17/06/09 20:10:40", HDFS "081109 203615".
TimeMs ParseShortYear(Cursor c, Civil t) {
  if (c.Peek(2) == '/') {
    if (!c.Num(2, &t.year) || !c.Eat('/') || !c.Num(2, &t.month) || !c.Eat('/') ||
        !c.Num(2, &t.day) || !c.Eat(' ')) {
      return kNoTime;
    }
    t.year += t.year < 70 ? 2000 : 1900;
    return ParseClock(c, t, true, AfterClock::kEnd);
  }
  if (!c.Num(2, &t.year) || !c.Num(2, &t.month) || !c.Num(2, &t.day) || !c.Eat(' ') ||
      !c.Num(2, &t.hour) || !c.Num(2, &t.minute) || !c.Num(2, &t.second)) {
    return kNoTime;
  }
  t.year += t.year < 70 ? 2000 : 1900;
  return Finish(c, t);
}

// Tomcat's (java.util.logging OneLineFormatter): 11-Mar-2024 03:13:34.783, no zone.
TimeMs ParseDayMonthYear(Cursor c, Civil t) {
  if (!c.Num(2, &t.day) || !c.Eat('-') || !c.Month(&t.month) || !c.Eat('-') || !c.Num(4, &t.year) ||
      !c.Eat(' ')) {
    return kNoTime;
  }
  return ParseClock(c, t, true, AfterClock::kEnd);
}

TimeMs ParseNumeric(Cursor c, const Civil& seed) {
  if (IsDigit(c.Peek(2)) && IsDigit(c.Peek(3)) && (c.Peek(4) == '-' || c.Peek(4) == '/')) {
    return ParseYmd(c, seed);
  }
  if (c.Peek(2) == '/') return IsDigit(c.Peek(3)) ? ParseShortYear(c, seed) : ParseClf(c, seed);
  if (c.Peek(2) == '-') return ParseDayMonthYear(c, seed);
  if (c.Peek(6) == ' ') return ParseShortYear(c, seed);
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

// syslog "Nov 24 10:00:00" (the seed's default year), ctime "Sun Dec 04 04:47:44 2005",
// glog "E0517 15:04:22.619632" (the seed's default year), java.util.logging
// "Nov 24, 2026 4:10:02 AM".
TimeMs ParseWords(Cursor c, Civil t) {
  const char ch = c.Peek();
  if ((ch == 'I' || ch == 'W' || ch == 'E' || ch == 'F') && IsDigit(c.Peek(1))) {
    ++c.p;
    if (!c.Num(2, &t.month) || !c.Num(2, &t.day) || !c.Eat(' ')) return kNoTime;
    return ParseClock(c, t, true, AfterClock::kEnd);
  }
  const bool ctime = c.Peek(3) == ' ' && IsUpper(c.Peek(4)) && c.Weekday() && c.Eat(' ');
  if (!c.Month(&t.month) || !c.Eat(' ') || !c.Day(&t.day)) return kNoTime;
  if (!ctime && c.Peek() == ',') return ParseJulRest(c, &t) ? Finish(c, t) : kNoTime;
  if (!c.Eat(' ')) return kNoTime;
  return ParseClock(c, t, true, ctime ? AfterClock::kYear : AfterClock::kEnd);
}

TimeMs ParseAt(Cursor c, const Civil& seed, int depth = 0);

// Syslog priority: "<34>1 2026-11-24T10:00:00.003Z" (RFC 5424) or "<34>Nov 24 ..." (3164).
TimeMs ParsePriority(Cursor c, const Civil& seed, int depth) {
  ++c.p;
  int digits = 0;
  for (; IsDigit(c.Peek()) && digits < 3; ++digits) ++c.p;
  if (digits == 0 || !c.Eat('>')) return kNoTime;
  if (IsDigit(c.Peek())) {  // RFC 5424 version, then its timestamp ("-" when absent)
    while (IsDigit(c.Peek())) ++c.p;
    if (!c.Eat(' ')) return kNoTime;
  }
  return ParseAt(c, seed, depth + 1);
}

TimeMs ParseAt(Cursor c, const Civil& seed, int depth) {
  const char ch = c.Peek();
  if (IsDigit(ch)) return ParseNumeric(c, seed);
  if (IsUpper(ch)) return ParseWords(c, seed);
  if (depth > 0) return kNoTime;
  if (ch == '[') {
    ++c.p;
    return ParseAt(c, seed, depth + 1);
  }
  if (ch == '<') return ParsePriority(c, seed, depth);
  return kNoTime;
}

Civil Seed(int default_year, ClockMark* mark) {
  Civil t;
  t.year = default_year;
  t.mark = mark;
  return t;
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

TimeMs ParseTimeAt(const char* p, const char* end, int default_year, ClockMark* mark) {
  return ParseAt(Cursor{p, end}, Seed(default_year, mark));
}

TimeMs ResumeAtSeconds(const char* seconds, const char* end, TimeMs minute, bool zone,
                       ZoneMemo* memo) {
  return ParseSeconds(Cursor{seconds, end}, minute, zone, memo);
}

TimeMs ParseLineTimestamp(std::string_view line, int default_year) {
  const Civil seed = Seed(default_year, nullptr);
  return ScanLineForTime(line, [&seed](const char* p, const char* end) {
    return ParseAt(Cursor{p, end}, seed);
  });
}

TimeMs ParseTimestampValue(std::string_view text, int default_year) {
  const size_t start = SkipBlanks(text, text.size());
  text.remove_prefix(start);
  const TimeMs t =
      ParseAt(Cursor{text.data(), text.data() + text.size()}, Seed(default_year, nullptr));
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
