// Fuzz target: timestamp parsing and formatting.
//
// Invariants, for any line and any default year:
//   - a parsed time lies within years 1-9999 (give or take a day of zone offset);
//   - a parsed time printed by FormatIsoUtc parses back to the same time, as a line and
//     as a value (JSON field);
//   - an epoch number parses as its magnitude says (seconds, milliseconds, microseconds,
//     nanoseconds) and a civil time from TimeFromCivil prints back as its own fields;
//   - no arithmetic overflows (UBSan), whatever the year;
//   - a LineClock given the input's lines, in order, times each one as ParseLineTimestamp
//     does, with the default year changed part way (its memo must forget the old one),
//     and reads no byte outside a line (each is copied to an allocation of its size).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include "analyzer/line_clock.h"
#include "analyzer/timestamp.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

void CheckRoundTrip(TimeMs t, int year) {
  if (t == kNoTime) return;
  const TimeMs lowest = TimeFromCivil(1, 1, 1, 0, 0, 0, 0) - kMsPerDay;
  const TimeMs highest = TimeFromCivil(9999, 12, 31, 23, 59, 59, 999) + 2 * kMsPerDay;
  FUZZ_CHECK(t >= lowest && t <= highest);
  std::string text = FormatIsoUtc(t);
  if (text.empty() || text.compare(0, 4, "0000") == 0) return;  // year 0 or 10000
  FUZZ_CHECK(text.size() == kIsoUtcLength);
  FUZZ_CHECK(ParseLineTimestamp(text, year) == t);
  FUZZ_CHECK(ParseTimestampValue(text, year) == t);
  FUZZ_CHECK(YearOf(t) == std::stoi(text.substr(0, 4)));
}

void CheckEpoch(uint64_t value) {
  std::string text = std::to_string(value);
  TimeMs expected;
  if (value < 100'000'000'000) {
    expected = static_cast<TimeMs>(value * 1000);
  } else if (value < 100'000'000'000'000) {
    expected = static_cast<TimeMs>(value);
  } else if (value < 100'000'000'000'000'000) {
    expected = static_cast<TimeMs>(value / 1000);
  } else {
    expected = static_cast<TimeMs>(value / 1'000'000);
  }
  FUZZ_CHECK(ParseEpochNumber(text) == expected);
  FUZZ_CHECK(ParseEpochNumber("-" + text) == kNoTime);
  FUZZ_CHECK(ParseEpochNumber(text + "x") == kNoTime);
}

// The clock against the plain parse, line by line; at line `switch_at` the default year
// becomes `year ^ 1` (a neighbour, without overflow at INT32_MIN or INT32_MAX).
void CheckClock(std::string_view text, int year, size_t switch_at) {
  LineClock clock(year);
  size_t line_number = 0;
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const size_t size = end - begin;
    std::unique_ptr<char[]> own(new char[size == 0 ? 1 : size]);
    std::copy(text.data() + begin, text.data() + end, own.get());
    const std::string_view line(own.get(), size);
    if (line_number++ == switch_at) clock.set_default_year(year ^ 1);
    FUZZ_CHECK(clock.Time(line) == ParseLineTimestamp(line, clock.default_year()));
    begin = end + 1;
  }
}

void CheckCivil(FuzzInput* in) {
  int year = static_cast<int>(in->TakeInRange(0, 10001));
  int month = static_cast<int>(in->TakeInRange(0, 13));
  int day = static_cast<int>(in->TakeInRange(0, 32));
  int hour = static_cast<int>(in->TakeInRange(0, 24));
  int minute = static_cast<int>(in->TakeInRange(0, 60));
  int second = static_cast<int>(in->TakeInRange(0, 59));
  int millis = static_cast<int>(in->TakeInRange(0, 1000));
  TimeMs t = TimeFromCivil(year, month, day, hour, minute, second, millis);
  if (t == kNoTime) return;
  char expected[64];
  std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
                hour, minute, second, millis);
  FUZZ_CHECK(FormatIsoUtc(t) == expected);
  CheckRoundTrip(t, 2000);
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  fuzz::FuzzInput in(data, size);
  // Any year the caller might pass, extremes included (a file's mtime can be anything).
  int year;
  switch (in.TakeByte() % 4) {
    case 0:
      year = INT32_MIN + static_cast<int>(in.TakeByte());
      break;
    case 1:
      year = INT32_MAX - static_cast<int>(in.TakeByte());
      break;
    default:
      year = static_cast<int>(in.TakeInRange(0, 12000));
      break;
  }
  uint64_t epoch = 0;
  for (int i = 0; i < 8; ++i) epoch = epoch << 8 | in.TakeByte();
  fuzz::CheckEpoch(epoch % 10'000'000'000'000'000'000ull);
  fuzz::CheckCivil(&in);

  std::string_view text = in.Rest();
  fuzz::CheckClock(text, year, epoch % 8);
  fuzz::CheckRoundTrip(ParseLineTimestamp(text, year), year);
  fuzz::CheckRoundTrip(ParseTimestampValue(text, year), year);
  TimeMs epoch_time = ParseEpochNumber(text);
  if (epoch_time != kNoTime) FUZZ_CHECK(epoch_time >= 0);
  return 0;
}
