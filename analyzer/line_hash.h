// LineHash: the fast, weak 64-bit hash of a line that the memos use to pick a slot and to
// rule out most unequal lines before they compare bytes (filters/line_memo.h,
// rules/match_memo.h, rules/line_outcomes.h). Eight bytes per step; the last word overlaps
// the ones read. It never leaves the process, so native byte order is fine, and it is not
// meant to be strong: every memo confirms a hit against its stored copy of the line.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sockfilter {

inline uint64_t LineHash(std::string_view s) {
  constexpr uint64_t kMul = 0xff51afd7ed558ccdULL;
  auto load8 = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  uint64_t h = s.size() * 0x9e3779b97f4a7c15ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) h = std::rotl((h ^ load8(s.data() + i)) * kMul, 29);
  uint64_t tail = 0;
  if (i < s.size() && s.size() >= 8) {
    tail = load8(s.data() + s.size() - 8);
  } else {
    for (; i < s.size(); ++i) tail = tail << 8 | static_cast<uint8_t>(s[i]);
  }
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

}  // namespace sockfilter
