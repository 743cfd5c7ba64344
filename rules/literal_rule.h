// LiteralRule: a rule pattern that is only literal text, matched without RE2.
//
// Many rules are a phrase: `(?i)\bconnection reset by peer\b`, `Exception: Connection
// reset\b`, `(?i)\b(?:connection|operation) timed out\b`. On the lines the prefilter sends
// them, RE2 spends a forward and a reverse DFA pass to say where the phrase starts; a
// compare at each place the phrase can start says the same for a fraction of the cost.
//
// Parse() accepts, and only accepts, patterns of this form (anything else stays with RE2):
//   [(?i)] [\b] piece... [\b]
// where a piece is a literal byte (a letter, digit, space, a punctuation byte that is no
// regex operator, or a backslash-escaped punctuation byte) or, at most once, a group
// (?:a|b|...) of such literal runs. The pattern matches exactly its expansions (prefix +
// each alternative + suffix, in the group's order), ASCII case folded under (?i), with a
// word boundary (RE2's ASCII \b) at the start or end where it is written.
//
// The least place where MatchAt() holds is where RE2's leftmost-first unanchored search of
// the same line finds its match, for ASCII text: under (?i) RE2 also folds some non-ASCII
// letters to ASCII ones (KELVIN SIGN is a `k`), so the caller sends a line with bytes over
// 0x7f to RE2 instead.
//
//   std::optional<LiteralRule> rule = LiteralRule::Parse(pattern);
//   size_t end;
//   for (size_t at : places_a_match_can_start)            // in increasing order
//     if (IsAscii(line) && rule->MatchAt(line, at, &end)) ...   // the match RE2 finds
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ascii.h"

namespace sockfilter {

class LiteralRule {
 public:
  static std::optional<LiteralRule> Parse(std::string_view pattern);

  // Whether a match starts at `at` of `line`; *end is where the first alternative that
  // matches there ends (as RE2 prefers it). A caller that knows every place a match can
  // start (Classifier: where the prefilter found a literal of the rule) asks only there.
  // REQUIRES: `line` is ASCII.
  bool MatchAt(std::string_view line, size_t at, size_t* end) const;

  const std::vector<std::string>& alternatives() const { return alternatives_; }

 private:
  bool Matches(std::string_view line, size_t at, const std::string& literal) const;

  std::vector<std::string> alternatives_;  // lower case under (?i); in the group's order
  bool fold_case_ = false;
  bool boundary_before_ = false;
  bool boundary_after_ = false;
};

}  // namespace sockfilter
