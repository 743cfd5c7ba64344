// LiteralGate: "the text holds one of these literals" (case-sensitive), the cheap test
// that a rule's `contains` list puts before its RE2 pattern.
//
// A literal that begins with a byte that fills log text (a blank, a lower-case letter, a
// digit) has its first two bytes looked for together, 16 positions at a time (SSE2): the
// pair is much rarer than the byte (" t" against " "). Any other first byte is rare
// enough for memchr, once per group of literals that begin with it. Either way the rest is
// compared only where the search stops, and a line costs a fraction of a DFA pass.
//
//   LiteralGate gate({" to ", " from "});
//   if (gate.Holds(line)) ... run the regex ...
//   LiteralGate().Holds(anything) == true   // no literals: no gate
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sockfilter {

class LiteralGate {
 public:
  LiteralGate() = default;
  // REQUIRES: no literal is empty.
  explicit LiteralGate(const std::vector<std::string>& literals);

  // True when `text` holds one of the literals, or when there are none.
  bool Holds(std::string_view text) const;
  bool empty() const { return paired_.empty() && groups_.empty(); }

 private:
  struct Group {
    char first;
    std::vector<std::string> tails;  // the literals without their first byte
  };
  std::vector<std::string> paired_;  // literals of a common first byte (2 bytes or more)
  std::vector<Group> groups_;        // the others, by first byte
};

}  // namespace sockfilter
