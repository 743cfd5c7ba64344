#include "rules/literal_gate.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sockfilter {

namespace {

// Whether `literal` (2 bytes or more) starts at some position of text[0, n).
bool HoldsPairLiteral(const char* p, size_t n, const std::string& literal) {
  const size_t last = n - literal.size();  // the last position it can start at
  const char* rest = literal.data() + 2;
  const size_t rest_size = literal.size() - 2;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(literal[0]);
  const __m128i second = _mm_set1_epi8(literal[1]);
  // Positions i..i+15, reading p[i, i + 17).
  for (; i + 17 <= n && i <= last; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    unsigned pairs = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, second))));
    while (pairs != 0) {
      const size_t at = i + static_cast<size_t>(std::countr_zero(pairs));
      if (at > last) break;
      if (std::memcmp(p + at + 2, rest, rest_size) == 0) return true;
      pairs &= pairs - 1;
    }
  }
#endif
  for (; i <= last; ++i) {
    if (p[i] == literal[0] && p[i + 1] == literal[1] &&
        std::memcmp(p + i + 2, rest, rest_size) == 0)
      return true;
  }
  return false;
}

// Bytes that fill log text: memchr for one of them stops every few bytes.
bool IsCommonByte(char c) { return c == ' ' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

LiteralGate::LiteralGate(const std::vector<std::string>& literals) {
  for (const std::string& literal : literals) {
    if (literal.size() >= 2 && IsCommonByte(literal[0])) {
      paired_.push_back(literal);
      continue;
    }
    auto same_first = [&](const Group& g) { return g.first == literal[0]; };
    auto group = std::find_if(groups_.begin(), groups_.end(), same_first);
    if (group == groups_.end()) group = groups_.insert(group, {literal[0], {}});
    group->tails.push_back(literal.substr(1));
  }
}

bool LiteralGate::Holds(std::string_view text) const {
  if (empty()) return true;
  for (const std::string& literal : paired_) {
    if (literal.size() <= text.size() && HoldsPairLiteral(text.data(), text.size(), literal))
      return true;
  }
  // A hit of a group's byte is mostly not one of its literals (an 'E' of "ERROR" for
  // "Exception"): one byte is compared before the rest.
  const char* end = text.data() + text.size();
  for (const Group& group : groups_) {
    const char* p = text.data();
    while (p < end && (p = static_cast<const char*>(std::memchr(p, group.first, end - p)))) {
      ++p;
      for (const std::string& tail : group.tails) {
        if (tail.size() > static_cast<size_t>(end - p)) continue;
        if (tail.empty() || (p[0] == tail[0] && std::memcmp(p, tail.data(), tail.size()) == 0))
          return true;
      }
    }
  }
  return false;
}

}  // namespace sockfilter
