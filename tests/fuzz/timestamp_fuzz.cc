// Fuzz target: timestamp parsing and formatting.
//
// Invariants, for any line and any default year:
//   - a parsed time lies within years 1-9999 (give or take a day of zone offset);
//   - a parsed time printed by FormatIsoUtc parses back to the same time, as a line and
//     as a value (JSON field);
//   - an epoch number parses as its magnitude says (seconds, milliseconds, microseconds,
//     nanoseconds) and a civil time from TimeFromCivil prints back as its own fields;
//   - no arithmetic overflows (UBSan), whatever the year.
#include <cinttypes>
#include <cstdio>
#include <string>

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
  fuzz::CheckRoundTrip(ParseLineTimestamp(text, year), year);
  fuzz::CheckRoundTrip(ParseTimestampValue(text, year), year);
  TimeMs epoch_time = ParseEpochNumber(text);
  if (epoch_time != kNoTime) FUZZ_CHECK(epoch_time >= 0);
  return 0;
}
