// MultilineRules::Continues against a plain reading of the rules: every rule in order, its
// prefixes, its `contains` literals and RE2 on the whole line, nothing skipped. The
// compiled state machine takes short cuts (first-byte tables, RE2's possible-match range,
// literal scans, a memo of RE2's answers); none may change a decision. The lines: the
// samples, the rules' own examples, random mutations of them and random bytes, each in
// every state, most of them more than once (the memo answers the repeats).
#include <re2/re2.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "rules/match_memo.h"
#include "rules/multiline_rules.h"
#include "rules/rule_files.h"
#include "rules/rule_loader.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

// The rules read plainly. Next() is what Continues decides: the next state, or -1.
class PlainRules {
 public:
  explicit PlainRules(const MultilineRules& rules) {
    for (const MultilineRuleSpec& spec : rules.specs()) {
      Rule rule{&spec, {}, StateOf(rules, spec.to), nullptr};
      for (const std::string& from : spec.from) rule.from.push_back(StateOf(rules, from));
      if (!spec.pattern.empty()) {
        re2::RE2::Options options;
        options.set_log_errors(false);
        rule.regex = std::make_unique<re2::RE2>(spec.pattern, options);
      }
      rules_.push_back(std::move(rule));
    }
  }

  int Next(int state, std::string_view text) const {
    if (text.empty()) return -1;  // Continues is never asked about an empty line
    for (const Rule& rule : rules_) {
      if (std::find(rule.from.begin(), rule.from.end(), state) != rule.from.end() &&
          Takes(rule, text))
        return rule.to;
    }
    return -1;
  }

 private:
  struct Rule {
    const MultilineRuleSpec* spec;
    std::vector<int> from;
    int to;
    std::unique_ptr<re2::RE2> regex;
  };

  static int StateOf(const MultilineRules& rules, const std::string& name) {
    for (size_t i = 0; i < rules.state_count(); ++i)
      if (rules.state_name(static_cast<int>(i)) == name) return static_cast<int>(i);
    FAIL("no state " << name);
    return -1;
  }

  // None listed: no condition.
  template <typename Holds>
  static bool AnyOf(const std::vector<std::string>& literals, Holds&& holds) {
    return literals.empty() || std::any_of(literals.begin(), literals.end(), holds);
  }

  static bool Takes(const Rule& rule, std::string_view text) {
    const MultilineRuleSpec& spec = *rule.spec;
    auto starts = [&](const std::string& p) { return text.substr(0, p.size()) == p; };
    if (!AnyOf(spec.prefixes, starts)) return false;
    if (!rule.regex) return true;
    auto holds = [&](const std::string& c) { return text.find(c) != std::string_view::npos; };
    if (!AnyOf(spec.contains, holds)) return false;
    return rule.regex->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                             re2::RE2::ANCHOR_START, nullptr, 0);
  }

  std::vector<Rule> rules_;
};

int Decided(const MultilineRules& rules, int state, std::string_view text) {
  int next = -1;
  return rules.Continues(state, text, &next) ? next : -1;
}

// Compares the two on every line in every state; returns how many (line, state) pairs a
// rule took, so that a test can show it tried more than refusals.
size_t CheckAll(const MultilineRules& rules, const std::vector<std::string>& lines) {
  PlainRules plain(rules);
  size_t taken = 0;
  for (const std::string& line : lines) {
    for (int state = 0; state < static_cast<int>(rules.state_count()); ++state) {
      int want = plain.Next(state, line);
      int got = Decided(rules, state, line);
      if (got != want) {
        INFO("state " << rules.state_name(state) << ", line \"" << line << "\"");
        CHECK(got == want);
      }
      taken += want >= 0;
    }
  }
  return taken;
}

std::vector<std::string> SampleLines() {
  std::vector<std::string> lines;
  for (const char* path : test::kSampleLogs) {
    std::string text = test::ReadFile(test::SourcePath(path));
    for (size_t begin = 0; begin < text.size();) {
      size_t end = std::min(text.find('\n', begin), text.size());
      std::string line = text.substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
      begin = end + 1;
    }
  }
  return lines;
}

// The literals the rules are made of, and their examples: what a mutation splices in, so
// that mutated lines reach the rules' later tests instead of failing at the first byte.
std::vector<std::string> RulePieces(const MultilineRules& rules) {
  std::vector<std::string> pieces = {" ",     "\t", ":",  ".",  "$",        "Exception",
                                     "Error", "}",  "\n", "\r", "\xc3\xa9", "\xff"};
  for (const MultilineRuleSpec& spec : rules.specs()) {
    for (const auto* list :
         {&spec.prefixes, &spec.contains, &spec.examples, &spec.counter_examples})
      pieces.insert(pieces.end(), list->begin(), list->end());
  }
  return pieces;
}

class Mutator {
 public:
  Mutator(uint64_t seed, std::vector<std::string> pieces)
      : rng_(seed), pieces_(std::move(pieces)) {}

  size_t Pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
  char Byte() { return static_cast<char>(Pick(0, 255)); }
  const std::string& Piece() { return pieces_[Pick(0, pieces_.size() - 1)]; }

  // One to three edits of `line`; `other` is a second line to splice with.
  std::string Mutate(std::string line, const std::string& other) {
    for (size_t edits = Pick(1, 3); edits > 0; --edits) {
      size_t at = Pick(0, line.size());
      switch (Pick(0, 7)) {
        case 0:  // a random byte, replaced or inserted
          if (at < line.size())
            line[at] = Byte();
          else
            line.push_back(Byte());
          break;
        case 1:
          line.insert(at, 1, Byte());
          break;
        case 2:  // a piece of a rule, inserted
          line.insert(at, Piece());
          break;
        case 3:  // a piece of a rule, as the line's start
          line = Piece() + line.substr(Pick(0, line.size()));
          break;
        case 4:  // cut short
          line.resize(at);
          break;
        case 5:  // a range deleted
          line.erase(at, Pick(1, 8));
          break;
        case 6:  // this line's start, the other's end
          line = line.substr(0, at) + other.substr(Pick(0, other.size()));
          break;
        default:  // a long tail: past the memo's limit
          line += ": " + std::string(Pick(0, 2 * MatchMemo::kMaxLine), Byte());
          break;
      }
    }
    return line;
  }

  std::string RandomLine(std::string_view alphabet) {
    std::string line(Pick(0, 40), ' ');
    for (char& c : line) c = alphabet.empty() ? Byte() : alphabet[Pick(0, alphabet.size() - 1)];
    return line;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> pieces_;
};

// Sample lines (twice, so that the memo answers the second time), rule pieces, mutations
// and random lines.
std::vector<std::string> TestLines(const MultilineRules& rules, uint64_t seed, size_t mutations) {
  std::vector<std::string> samples = SampleLines();
  std::vector<std::string> pieces = RulePieces(rules);
  std::vector<std::string> lines = samples;
  lines.insert(lines.end(), pieces.begin(), pieces.end());
  lines.insert(lines.end(), samples.rbegin(), samples.rend());
  samples.insert(samples.end(), pieces.begin(), pieces.end());
  Mutator mutator(seed, pieces);
  for (size_t i = 0; i < mutations; ++i) {
    const std::string& line = samples[mutator.Pick(0, samples.size() - 1)];
    const std::string& other = samples[mutator.Pick(0, samples.size() - 1)];
    lines.push_back(mutator.Mutate(line, other));
    if (mutator.Pick(0, 3) == 0) lines.push_back(lines.back());  // seen again at once
  }
  for (size_t i = 0; i < mutations / 4; ++i) {
    lines.push_back(mutator.RandomLine(""));
    lines.push_back(mutator.RandomLine(" \t.:$}[]()_-aAzZeE09Tgx\xc3\xa9"));
  }
  return lines;
}

TEST_CASE("the shipped rules decide every line in every state as their plain reading does") {
  const MultilineRules& rules = *test::DefaultRules().multiline;
  REQUIRE(rules.state_count() >= 6);
  std::vector<std::string> lines = TestLines(rules, 20240311, 40000);
  size_t taken = CheckAll(rules, lines);
  CHECK(taken > 10000);
}

TEST_CASE("the rules of a user file decide as their plain reading does, however they are made") {
  // Patterns RE2's range says little or much about: an alternation at the start, a
  // case-insensitive literal, optional leading blanks, a start that RE2 cannot bound, a
  // word boundary, a long literal start, bytes above 0x7f; prefixes together with a
  // pattern, literals that share a first byte.
  const std::string file = R"toml(
[[multiline]]
id = "t.alternation"
from = ["record"]
pattern = '''^(?:Retry|Giving up|\d+ attempts?)\b'''
to = "retry"

[[multiline]]
id = "t.nocase"
from = ["record", "retry"]
contains = ["rror", "ERR", "Err"]
pattern = '''(?i)^error\s*[:=]'''
to = "retry"

[[multiline]]
id = "t.blanks"
from = ["retry"]
pattern = '''^\s*\.\.\.'''
to = "retry"

[[multiline]]
id = "t.anything"
from = ["retry"]
pattern = '''.*\bdone$'''
to = "record"

[[multiline]]
id = "t.boundary"
from = ["record"]
pattern = '''^\b\w+\b\x20=>'''
to = "retry"

[[multiline]]
id = "t.literal"
from = ["record"]
contains = ["gave up", "gone"]
pattern = '''^connection pool exhausted: (?:gave up|gone) after \d+ ms$'''
to = "retry"

[[multiline]]
id = "t.utf8"
from = ["record", "retry"]
pattern = '''^(?:é|ü)+[^a-z]'''
to = "retry"

[[multiline]]
id = "t.prefix_and_pattern"
from = ["record", "retry", "trace"]
prefix = ["E ", "W ", "Exception in "]
contains = ["Exception", "Error", "E"]
pattern = '''^[EW] \S+Exception'''
to = "trace"
)toml";
  std::vector<RuleFile> files = EmbeddedRuleFiles();
  files.push_back({"user/extra.toml", file});
  Result<RuleBook> book = LoadRuleBook(files);
  REQUIRE(book.ok());
  const MultilineRules& rules = *book->multiline;
  std::vector<std::string> lines = TestLines(rules, 7, 20000);
  for (const char* line : {"Retry 3",
                           "Retrying",
                           "Giving up now",
                           "12 attempts left",
                           "1 attempt",
                           "ERROR: x",
                           "error = 1",
                           "eRRoR:",
                           "  ... 5 more",
                           "\t...",
                           "all done",
                           "done",
                           "not done yet",
                           "key => value",
                           " key => value",
                           "k =>",
                           "connection pool exhausted: gave up after 30 ms",
                           "connection pool exhausted: gone after 1 ms",
                           "connection pool exhausted: gone after ms",
                           "\xc3\xa9\xc3\xbc!",
                           "\xc3\xa9x",
                           "\xc3\xa9",
                           "E java.io.IOException",
                           "W fooException",
                           "Exception in thread",
                           "E x"})
    lines.push_back(line);
  size_t taken = CheckAll(rules, lines);
  CHECK(taken > 1000);
}

TEST_CASE("a line a rule took is taken again, and one it refused is refused again") {
  // The memo at work: the same lines, many times, interleaved between rules and states.
  const MultilineRules& rules = *test::DefaultRules().multiline;
  std::vector<std::string> lines = {
      "java.io.IOException: Connection reset by peer",
      "ConnectionResetError: [Errno 104] Connection reset by peer",
      "Traceback (most recent call last):",
      "During handling of the above exception, another exception occurred:",
      "level=error msg=\"java.io.IOException: x\"",
      "java.io.IOException: " + std::string(MatchMemo::kMaxLine, 'x'),
  };
  std::vector<std::string> repeated;
  for (int round = 0; round < 50; ++round)
    for (const std::string& line : lines) repeated.push_back(line);
  CheckAll(rules, repeated);
}

TEST_CASE("`contains` needs a pattern, and its literals may not be empty") {
  auto error_of = [](const std::string& table) {
    std::vector<RuleFile> files = EmbeddedRuleFiles();
    files.push_back({"user/extra.toml", "[[multiline]]\nid = \"t.bad\"\nfrom = [\"record\"]\n" +
                                            table + "to = \"trace\"\n"});
    Result<RuleBook> book = LoadRuleBook(files);
    return book.ok() ? std::string("(loaded)") : book.status().message();
  };
  CHECK_THAT(error_of("prefix = [\"x\"]\ncontains = [\"y\"]\n"),
             Catch::Contains("user/extra.toml: rule t.bad: `contains` without a `pattern`"));
  CHECK_THAT(error_of("contains = [\"\"]\npattern = '^x'\n"),
             Catch::Contains("rule t.bad: empty `contains` literal"));
}

}  // namespace
}  // namespace sockfilter
