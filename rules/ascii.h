// ASCII helpers shared by the rule engine: the prefilter, the phrase matcher and the
// required-literal check all fold ASCII letters only, as LiteralSieve defines its matches.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sockfilter {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = AsciiLower(c);
  return lower;
}

// True when every byte of `text` is below 0x80.
inline bool IsAscii(std::string_view text) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    high |= word;
  }
  for (; i < text.size(); ++i) high |= static_cast<uint8_t>(text[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

}  // namespace sockfilter
