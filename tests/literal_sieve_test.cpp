// The literal prefilter: every occurrence of every atom, in any ASCII case, exactly once,
// checked against a brute-force search over random atom sets and texts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rules/literal_sieve.h"

namespace sockfilter {
namespace {

using Hits = std::vector<std::pair<int, size_t>>;  // (atom, begin)

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

Hits Scan(const LiteralSieve& sieve, std::string_view text) {
  Hits hits;
  sieve.Scan(text, [&](int atom, size_t begin) { hits.emplace_back(atom, begin); });
  std::sort(hits.begin(), hits.end());
  return hits;
}

Hits BruteForce(const std::vector<std::string>& atoms, std::string_view text) {
  Hits hits;
  for (size_t a = 0; a < atoms.size(); ++a) {
    const std::string& atom = atoms[a];
    for (size_t b = 0; b + atom.size() <= text.size(); ++b) {
      bool equal = true;
      for (size_t i = 0; i < atom.size() && equal; ++i)
        equal = Lower(text[b + i]) == Lower(atom[i]);
      if (equal) hits.emplace_back(static_cast<int>(a), b);
    }
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

// Bytes from a small random alphabet, so atoms overlap and recur; the alphabet takes any
// byte value, with the pairs that differ only in bit 0x20 ('[' and '{', '@' and '`') that
// a careless case fold would confuse.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {
    int size = Pick(2, 12);
    for (int i = 0; i < size; ++i) {
      char c = static_cast<char>(Pick(0, 255));
      alphabet_.push_back(c);
      if (Pick(0, 2) == 0) alphabet_.push_back(static_cast<char>(c ^ 0x20));
    }
  }

  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string Bytes(int size) {
    std::string s;
    for (int i = 0; i < size; ++i) s.push_back(alphabet_[Pick(0, alphabet_.size() - 1)]);
    return s;
  }

  std::vector<std::string> Atoms() {
    std::vector<std::string> atoms;
    int count = Pick(1, 24);
    for (int i = 0; i < count; ++i) {
      std::string atom = Bytes(Pick(LiteralSieve::kMinAtom, 20));
      if (Pick(0, 3) != 0) std::transform(atom.begin(), atom.end(), atom.begin(), Lower);
      if (std::find(atoms.begin(), atoms.end(), atom) == atoms.end()) atoms.push_back(atom);
    }
    return atoms;
  }

  // Random bytes with atoms in any case dropped in, also back to back and overlapping, at
  // the start and at the end.
  std::string Text(const std::vector<std::string>& atoms) {
    std::string text;
    int pieces = Pick(0, 12);
    for (int i = 0; i < pieces; ++i) {
      if (Pick(0, 1) == 0) {
        text += Bytes(Pick(0, 30));
        continue;
      }
      std::string atom = atoms[Pick(0, atoms.size() - 1)];
      for (char& c : atom)
        if (c >= 'a' && c <= 'z' && Pick(0, 1) == 0) c = static_cast<char>(c - 32);
      if (Pick(0, 3) == 0 && !text.empty()) text.resize(text.size() - Pick(1, text.size()) / 2);
      text += atom;
    }
    return text;
  }

 private:
  std::mt19937_64 rng_;
  std::string alphabet_;
};

TEST_CASE("the sieve finds what a brute-force search finds, over random atoms and texts") {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    Generator gen(seed);
    std::vector<std::string> atoms = gen.Atoms();
    LiteralSieve sieve = LiteralSieve::Build(atoms);
    for (int t = 0; t < 20; ++t) {
      std::string text = gen.Text(atoms);
      INFO("seed " << seed << " text " << t);
      REQUIRE(Scan(sieve, text) == BruteForce(atoms, text));
    }
  }
}

TEST_CASE("an atom is found at the very start and end of the text, in any case") {
  LiteralSieve sieve = LiteralSieve::Build({"broken pipe", "[errno 104]", "etimedout"});
  REQUIRE(sieve.stride() == 6);
  std::string text = "BROKEN PIPE then [Errno 104] and EtimedOut";
  CHECK(Scan(sieve, text) == Hits{{0, 0}, {1, 17}, {2, 33}});
  CHECK(Scan(sieve, text.substr(0, 11)) == Hits{{0, 0}});
  CHECK(Scan(sieve, text.substr(0, 10)).empty());
  CHECK(Scan(sieve, text.substr(34)).empty());
}

TEST_CASE("a fold of the 0x20 bit matches only letters") {
  LiteralSieve sieve = LiteralSieve::Build({"[errno 9]", "a@b`c{d}e"});
  CHECK(Scan(sieve, "{errno 9]").empty());
  CHECK(Scan(sieve, "[errno 9}").empty());
  CHECK(Scan(sieve, "A@B`C{D}E") == Hits{{1, 0}});
  CHECK(Scan(sieve, "a`b`c{d}e").empty());
  CHECK(Scan(sieve, "a@b@c{d}e").empty());
}

TEST_CASE("an atom with upper-case letters matches either case") {
  LiteralSieve sieve = LiteralSieve::Build({"ReSeT by PEER"});
  CHECK(Scan(sieve, "connection reset by peer") == Hits{{0, 11}});
  CHECK(Scan(sieve, "CONNECTION RESET BY PEER") == Hits{{0, 11}});
}

TEST_CASE("overlapping occurrences are each reported once") {
  LiteralSieve sieve = LiteralSieve::Build({"abab", "babab", "aaaaaaaa"});
  CHECK(Scan(sieve, "ababab") == Hits{{0, 0}, {0, 2}, {1, 1}});
  CHECK(Scan(sieve, std::string(10, 'A')) == Hits{{2, 0}, {2, 1}, {2, 2}});
}

TEST_CASE("an empty sieve and a text shorter than a gram find nothing") {
  CHECK(Scan(LiteralSieve::Build({}), "connection reset").empty());
  CHECK(Scan(LiteralSieve::Build({"reset"}), "res").empty());
  CHECK(Scan(LiteralSieve::Build({"reset"}), "").empty());
}

}  // namespace
}  // namespace sockfilter
