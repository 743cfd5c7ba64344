// MultilineRules: the compiled form of the `[[multiline]]` tables in rules/*.toml, the
// state machine that decides which lines continue the event before them.
//
//   Result<MultilineRules> rules = MultilineRules::Compile(tables);
//   int state = rules->record_state();
//   int next;
//   if (rules->Continues(state, line_text, &next)) state = next;   // else: a new event
//
// Matching is cheap for the common case: each state indexes its rules by the first byte a
// matching line can have (derived from the prefixes and patterns), so most lines are
// decided by one table look-up; a rule with literal `prefixes` decides by comparing
// bytes, and so does a pattern that RE2's possible-match range shows to begin with a
// literal. A rule with a pattern runs RE2 only when every cheap test passed: the line sorts
// at or after the least possible match, and holds one of the `contains` literals. Even
// then a line seen again recently (exception lines repeat exactly) takes RE2's answer
// from a per-thread MatchMemo instead of running it again.
//
// The tests only rule lines out that RE2 would refuse too: a rule takes exactly the lines
// for which its prefix, `contains` and pattern all hold, tried in rule order.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/status.h"
#include "rules/literal_gate.h"

namespace re2 {
class RE2;
}

namespace sockfilter {

struct MultilineRuleSpec {
  std::string id;
  std::string source;  // file the rule came from, for messages
  std::vector<std::string> from;
  std::vector<std::string> prefixes;  // the line must start with one of these (if any)
  std::vector<std::string> contains;  // the line must contain one of these (if any); needs
                                      // a pattern
  std::string pattern;                // and then match this RE2 at its start (if any)
  std::string to;
  std::vector<std::string> examples;
  std::vector<std::string> counter_examples;
};

class MultilineRules {
 public:
  // Compiles the rules; the error has a line for every problem, each naming the file, the
  // rule id and the problem.
  static Result<std::shared_ptr<const MultilineRules>> Compile(
      const std::vector<MultilineRuleSpec>& specs);

  ~MultilineRules();

  int record_state() const { return 0; }
  // True when `text` (a non-blank line) continues an event in `state`; sets *next_state.
  bool Continues(int state, std::string_view text, int* next_state) const;
  // True when some state continues an event with `text`. A line for which this is false
  // (and that is not blank) starts an event whatever came before it.
  bool ContinuesInSomeState(std::string_view text) const;

  size_t rule_count() const { return rules_.size(); }
  // The rules as given to Compile, in order (what a plain reading of them decides is what
  // Continues decides; tests compare the two).
  const std::vector<MultilineRuleSpec>& specs() const { return specs_; }
  size_t state_count() const { return state_names_.size(); }
  const std::string& state_name(int state) const { return state_names_[state]; }

 private:
  struct Rule {
    std::string id;
    std::vector<std::string> prefixes;
    LiteralGate contains;
    std::unique_ptr<re2::RE2> regex;  // null when the prefixes decide alone
    std::string min_prefix;           // every match sorts at or after this (RE2's range)
    std::bitset<256> first_bytes;     // every match begins with one of these
    std::string pattern_prefix;       // and with this (from the same range; may be empty)
    uint64_t memo_id = 0;             // the regex's answers in a MatchMemo
    int to;

    bool Matches(std::string_view text) const;             // the whole rule
    bool MatchesAfterPrefix(std::string_view text) const;  // all but the prefix test
  };
  // A rule reachable from a state by a line's first byte, with the rest of the prefix to
  // compare after that byte (empty for a rule without prefixes).
  struct Candidate {
    const Rule* rule;
    std::string_view prefix_rest;
  };
  struct State {
    std::array<std::vector<Candidate>, 256> by_first_byte;  // in rule order
  };

  MultilineRules() = default;
  static Result<std::unique_ptr<Rule>> CompileRule(const MultilineRuleSpec& spec);
  int StateIndex(const std::string& name);
  void AddCandidates(int state, const Rule& rule);
  // The first of the candidates [c, end) that takes `text`, as Continues.
  // REQUIRES: text is not empty; its first byte chose the candidates.
  static bool FirstTaker(const Candidate* c, const Candidate* end, std::string_view text,
                         int* next_state);
  // The same, when c's prefix holds and its rule has a pattern.
  static bool PatternTaker(const Candidate* c, const Candidate* end, std::string_view text,
                           int* next_state);

  std::vector<MultilineRuleSpec> specs_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<std::string> state_names_;
  std::vector<State> states_;
};

}  // namespace sockfilter
