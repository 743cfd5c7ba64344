#include "analyzer/line_clock.h"

#include <cstdint>
#include <cstring>
#include <utility>

namespace sockfilter {
namespace {

uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Whether a layout of `size` bytes (at least 8, the first 8 equal) is equal throughout:
// word compares, the last one overlapping, where a call to memcmp would cost more than
// the compare.
bool SameAfterHead(const char* a, const char* b, size_t size) {
  for (size_t i = 8; i + 8 < size; i += 8) {
    if (Load8(a + i) != Load8(b + i)) return false;
  }
  return Load8(a + size - 8) == Load8(b + size - 8);
}

}  // namespace

void LineClock::set_default_year(int year) {
  if (year == default_year_) return;
  default_year_ = year;
  for (Layout& layout : layouts_) layout = Layout();
}

// Flattened: the walk, its tries and the layout compares in one body, since a line that
// repeats a layout costs little more than the calls between them would (GCC and Clang).
__attribute__((flatten)) TimeMs LineClock::Time(std::string_view line) {
  return ScanLineForTime(line, [this](const char* p, const char* end) { return TimeAt(p, end); });
}

TimeMs LineClock::TimeAt(const char* p, const char* end) {
  // ClockMark's promise: a range that repeats the bytes before a layout's seconds, and is
  // at least as long, parses as the seconds on finish it.
  const size_t size = static_cast<size_t>(end - p);
  if (size >= 8) {
    const uint64_t head = Load8(p);
    for (int i = 0; i < kLayouts; ++i) {
      const Layout& layout = layouts_[i];
      if (head != layout.head || size < layout.size ||
          !SameAfterHead(p, layout.prefix, layout.size)) {
        continue;
      }
      if (i != 0) std::swap(layouts_[0], layouts_[i]);
      ++resumed_;
      return ResumeAtSeconds(p + layouts_[0].size, end, layouts_[0].minute, layouts_[0].zone,
                             &zone_memo_);
    }
  }
  return ParseAt(p, end);
}

TimeMs LineClock::ParseAt(const char* p, const char* end) {
  ClockMark mark;
  const TimeMs t = ParseTimeAt(p, end, default_year_, &mark);
  // Only a try that found a time replaces a layout: the tries that fail before it in a
  // line (a client address, a logger name) would otherwise evict it on every line. Every
  // clock has a date of 6 bytes or more before it ("E0517 15:04:"), so a layout holds
  // more than the 8 bytes of its head.
  if (t != kNoTime && mark.seconds != nullptr && mark.seconds - p >= 8) {
    for (int i = kLayouts - 1; i > 0; --i) layouts_[i] = layouts_[i - 1];
    Layout& layout = layouts_[0];
    layout.size = static_cast<size_t>(mark.seconds - p);
    std::memcpy(layout.prefix, p, layout.size);
    layout.head = Load8(layout.prefix);
    layout.minute = mark.minute;
    layout.zone = mark.zone;
  }
  return t;
}

}  // namespace sockfilter
