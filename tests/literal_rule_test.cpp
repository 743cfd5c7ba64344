// LiteralRule: which patterns are taken as literal text, and that the least place where
// MatchAt() holds is the match RE2's unanchored search finds, on every ASCII line.
#include "rules/literal_rule.h"

#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace sockfilter {
namespace {

std::string Where(std::string_view line, bool found, size_t begin, size_t end) {
  if (!found) return "no match";
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ") \"" +
         std::string(line.substr(begin, end - begin)) + "\"";
}

std::string ByRe2(const re2::RE2& re, std::string_view line) {
  re2::StringPiece text(line.data(), line.size()), match;
  bool found = re.Match(text, 0, text.size(), re2::RE2::UNANCHORED, &match, 1);
  size_t begin = found ? static_cast<size_t>(match.data() - text.data()) : 0;
  return Where(line, found, begin, begin + (found ? match.size() : 0));
}

// Every place asked, least first, as the classifier asks those its prefilter finds.
std::string ByLiteral(const LiteralRule& rule, std::string_view line) {
  for (size_t at = 0; at <= line.size(); ++at) {
    size_t end = 0;
    if (rule.MatchAt(line, at, &end)) return Where(line, true, at, end);
  }
  return Where(line, false, 0, 0);
}

TEST_CASE("literal rules: phrases with (?i), \\b and one group of alternatives") {
  for (const char* pattern :
       {"(?i)\\bconnection reset by peer\\b", "Exception: Connection reset\\b",
        "(?i)\\b(?:connection|operation) timed out\\b",
        "(?i)\\btoo many open (?:files|file descriptors)\\b", "\\(32: Broken pipe\\)",
        "code: 'EPIPE'", "a\\\\b"}) {
    INFO(pattern);
    CHECK(LiteralRule::Parse(pattern).has_value());
  }
  auto alternatives = [](const char* pattern) {
    return LiteralRule::Parse(pattern)->alternatives();
  };
  CHECK(alternatives("(?i)\\b(?:Connection|operation) timed out\\b") ==
        std::vector<std::string>{"connection timed out", "operation timed out"});
  CHECK(alternatives("Exception: Connection reset\\b") ==
        std::vector<std::string>{"Exception: Connection reset"});
  CHECK(alternatives("a\\\\b") == std::vector<std::string>{"a\\b"});  // a backslash, then b
  // Classes, repeats, anchors, captures, inline flags, a second group, an empty branch,
  // \b inside, escapes that are no punctuation: RE2's.
  for (const char* pattern : {"\\d+ms", "a.*b", "foo\\s", "^foo", "foo$", "(?P<errno>104)",
                              "(?i:foo)", "x(?:a|b)(?:c|d)", "(?:a|)", "foo\\bbar", "\\x41", "a+",
                              "[ab]", "a{2}", "(?:a|b", "", "(?i)", "caf\xC3\xA9"}) {
    INFO(pattern);
    CHECK_FALSE(LiteralRule::Parse(pattern).has_value());
  }
}

TEST_CASE("a literal rule finds the match RE2 finds, on random ASCII lines") {
  std::vector<std::string> patterns = {"(?i)\\bconnection reset by peer\\b",
                                       "Exception: Connection reset\\b",
                                       "(?i)\\b(?:connection|operation) timed out\\b",
                                       "(?i)\\b(?:con|connect|connection) lost\\b",
                                       "(?i)too many open (?:files|file descriptors)\\b",
                                       "\\b-x-\\b",
                                       "\\b_a\\b",
                                       "(?i)ab\\b",
                                       "\\(32: Broken pipe\\)"};
  // Every built-in rule that is literal text, too.
  const Classifier& rules = *test::DefaultRules().classifier;
  for (size_t r = 0; r < rules.rule_count(); ++r) {
    if (LiteralRule::Parse(rules.rule(r).pattern)) patterns.push_back(rules.rule(r).pattern);
  }
  REQUIRE(patterns.size() > 15);
  std::mt19937 random(11);
  for (const std::string& pattern : patterns) {
    INFO(pattern);
    std::optional<LiteralRule> rule = LiteralRule::Parse(pattern);
    REQUIRE(rule.has_value());
    re2::RE2 re(pattern);
    REQUIRE(re.ok());
    // Pieces: each alternative whole, cut short and with one letter's case flipped, and
    // bytes that are or are not word bytes, so boundaries hold and fail on both sides.
    std::vector<std::string> pieces = {" ", "x", "_", "9", "-", ":", "(", ")", "  "};
    for (const std::string& alternative : rule->alternatives()) {
      pieces.push_back(alternative);
      pieces.push_back(alternative.substr(0, alternative.size() - 1));
      pieces.push_back(alternative.substr(1));
      std::string flipped = alternative;
      for (char& c : flipped) {
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
          c ^= 0x20;
          break;
        }
      }
      pieces.push_back(flipped);
      std::string upper = alternative;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      pieces.push_back(upper);
    }
    for (int i = 0; i < 4000; ++i) {
      std::string line;
      for (int n = random() % 6; n > 0; --n) line += pieces[random() % pieces.size()];
      INFO(line);
      REQUIRE(ByLiteral(*rule, line) == ByRe2(re, line));
    }
  }
}

TEST_CASE("RE2 folds some non-ASCII letters under (?i), so only ASCII lines are read literally") {
  const char* pattern = "(?i)\\bbroken pipe\\b";
  re2::RE2 re(pattern);
  std::string kelvin =
      "bro\xE2\x84\xAA"
      "en pipe";  // KELVIN SIGN for the k
  CHECK(ByRe2(re, kelvin) != "no match");
  CHECK_FALSE(IsAscii(kelvin));
  CHECK(IsAscii("broken pipe"));
  CHECK(IsAscii(""));
  CHECK_FALSE(IsAscii(std::string(17, 'a') + "\x80"));
}

}  // namespace
}  // namespace sockfilter
