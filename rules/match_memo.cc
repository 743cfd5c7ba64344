#include "rules/match_memo.h"

#include <atomic>
#include <cstring>

namespace sockfilter {

uint64_t MatchMemo::NewTestId() {
  static std::atomic<uint64_t> next{1};  // 0 marks an empty slot
  return next.fetch_add(1, std::memory_order_relaxed);
}

// Eight bytes per step: the hash only picks a slot and rules out most unequal lines before
// the compare, so it needs to be fast more than strong. Short lines (under a word) are
// read byte by byte; longer ones end with their last eight bytes, overlapping the loop's.
uint64_t MatchMemo::Hash(std::string_view text) {
  constexpr uint64_t kMul = 0xFF51AFD7ED558CCDull;
  const char* p = text.data();
  size_t n = text.size();
  uint64_t h = n * 0x9E3779B97F4A7C15ull;
  auto mix = [&](uint64_t word) {
    h = (h ^ word) * kMul;
    h ^= h >> 29;
  };
  if (n < 8) {
    uint64_t word = 0;
    for (size_t i = 0; i < n; ++i) word = (word << 8) | static_cast<unsigned char>(p[i]);
    mix(word);
    return h;
  }
  uint64_t word;
  for (size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&word, p + i, 8);
    mix(word);
  }
  std::memcpy(&word, p + n - 8, 8);
  mix(word);
  return h;
}

}  // namespace sockfilter
