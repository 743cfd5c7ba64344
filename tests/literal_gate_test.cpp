// LiteralGate against the plain answer (std::string_view::find of each literal), on random
// texts of every length around the 16-byte steps of its pair search, with literals of
// common first bytes (searched in pairs) and of rare ones (searched by memchr).
#include "rules/literal_gate.h"

#include <catch2/catch.hpp>
#include <random>

namespace sockfilter {
namespace {

bool PlainHolds(const std::vector<std::string>& literals, std::string_view text) {
  if (literals.empty()) return true;
  for (const std::string& literal : literals)
    if (text.find(literal) != std::string_view::npos) return true;
  return false;
}

TEST_CASE("LiteralGate holds exactly when one of its literals is in the text") {
  const std::vector<std::vector<std::string>> sets = {
      {},         {" to ", " from ", " with ", " for "},
      {"://"},    {"Exception", "Error", "Throwable", "Failure"},
      {"a", "E"}, {"ab", "Ab", "b"},
  };
  // An alphabet that makes hits and near misses frequent.
  const std::string alphabet = " tofrmwihEeaAbxc:/";
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  size_t held = 0, checked = 0;
  for (const std::vector<std::string>& literals : sets) {
    LiteralGate gate(literals);
    for (size_t length = 0; length <= 70; ++length) {
      for (int round = 0; round < 200; ++round) {
        std::string text;
        for (size_t i = 0; i < length; ++i) text += alphabet[pick(rng)];
        // Now and then a literal planted at a random place, the end included.
        if (!literals.empty() && round % 3 == 0) {
          const std::string& literal = literals[round % literals.size()];
          if (literal.size() <= length)
            text.replace(rng() % (length - literal.size() + 1), literal.size(), literal);
        }
        const bool expected = PlainHolds(literals, text);
        INFO("text: \"" << text << "\"");
        REQUIRE(gate.Holds(text) == expected);
        held += expected;
        ++checked;
      }
    }
  }
  CHECK(held > checked / 4);  // both answers are exercised
  CHECK(held < checked);
}

}  // namespace
}  // namespace sockfilter
