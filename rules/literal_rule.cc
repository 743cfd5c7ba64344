#include "rules/literal_rule.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sockfilter {

namespace {

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A byte a pattern may hold as itself: printable ASCII that is no regex operator.
bool IsPlainByte(char c) {
  if (c < 0x20 || c > 0x7e) return false;
  return std::strchr(".^$*+?()[]{}|\\", c) == nullptr;
}

// A byte a backslash makes literal: punctuation (a letter or digit after it is a class, an
// assertion or a code: \d, \b, \x41).
bool IsEscapable(char c) { return c > 0x20 && c <= 0x7e && !IsWordByte(c); }

}  // namespace

std::optional<LiteralRule> LiteralRule::Parse(std::string_view p) {
  LiteralRule rule;
  if (p.substr(0, 4) == "(?i)") {
    rule.fold_case_ = true;
    p.remove_prefix(4);
  }
  if (p.substr(0, 2) == "\\b") {
    rule.boundary_before_ = true;
    p.remove_prefix(2);
  }
  std::string prefix, suffix;
  std::vector<std::string> group;  // the alternatives of the one group, if there is one
  bool in_group = false, had_group = false;
  std::string* out = &prefix;
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return std::nullopt;
      const char escaped = p[i + 1];
      if (escaped == 'b' && !in_group && i + 2 == p.size()) {
        rule.boundary_after_ = true;
      } else if (IsEscapable(escaped)) {
        out->push_back(escaped);
      } else {
        return std::nullopt;
      }
      i += 2;
    } else if (!in_group && p.substr(i, 3) == "(?:") {
      if (had_group) return std::nullopt;
      had_group = in_group = true;
      out = &group.emplace_back();
      i += 3;
    } else if (in_group && c == '|') {
      out = &group.emplace_back();
      ++i;
    } else if (in_group && c == ')') {
      in_group = false;
      out = &suffix;
      ++i;
    } else if (IsPlainByte(c)) {
      out->push_back(c);
      ++i;
    } else {
      return std::nullopt;
    }
  }
  if (in_group) return std::nullopt;
  if (!had_group) group.emplace_back();
  for (const std::string& alternative : group) {
    if (had_group && alternative.empty()) return std::nullopt;
    std::string literal = prefix + alternative + suffix;
    if (literal.empty()) return std::nullopt;
    if (rule.fold_case_) literal = AsciiLower(literal);
    rule.alternatives_.push_back(std::move(literal));
  }
  return rule;
}

bool LiteralRule::Matches(std::string_view line, size_t at, const std::string& literal) const {
  if (at > line.size() || literal.size() > line.size() - at) return false;
  const char* p = line.data() + at;
  if (fold_case_) {
    for (size_t k = 0; k < literal.size(); ++k)
      if (AsciiLower(p[k]) != literal[k]) return false;
  } else if (std::memcmp(p, literal.data(), literal.size()) != 0) {
    return false;
  }
  // RE2's \b: a word byte on exactly one side (outside the line counts as no word byte).
  if (boundary_before_) {
    const bool before = at > 0 && IsWordByte(line[at - 1]);
    if (before == IsWordByte(p[0])) return false;
  }
  if (boundary_after_) {
    const size_t end = at + literal.size();
    const bool after = end < line.size() && IsWordByte(line[end]);
    if (after == IsWordByte(line[end - 1])) return false;
  }
  return true;
}

bool LiteralRule::MatchAt(std::string_view line, size_t at, size_t* end) const {
  for (const std::string& literal : alternatives_) {
    if (!Matches(line, at, literal)) continue;
    *end = at + literal.size();
    return true;
  }
  return false;
}

}  // namespace sockfilter
