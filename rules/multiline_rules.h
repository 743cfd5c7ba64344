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
// bytes, `contains` literals rule out lines before RE2, and RE2 runs only when every
// cheap check passed.
#pragma once

#include <array>
#include <bitset>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/status.h"

namespace re2 {
class RE2;
}

namespace sockfilter {

struct MultilineRuleSpec {
  std::string id;
  std::string source;  // file the rule came from, for messages
  std::vector<std::string> from;
  std::vector<std::string> prefixes;  // the line must start with one of these (if any)
  std::vector<std::string> contains;  // the line must contain one of these (if any)
  std::string pattern;                // and then match this RE2 at its start (if any)
  std::string to;
  std::vector<std::string> examples;
  std::vector<std::string> counter_examples;
};

class MultilineRules {
 public:
  // Compiles the rules; the error names the file, the rule id and the problem.
  static Result<std::shared_ptr<const MultilineRules>> Compile(
      const std::vector<MultilineRuleSpec>& specs);

  ~MultilineRules();

  int record_state() const { return 0; }
  // True when `text` (a non-blank line) continues an event in `state`; sets *next_state.
  bool Continues(int state, std::string_view text, int* next_state) const;

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
    std::vector<std::string> contains;
    std::unique_ptr<re2::RE2> regex;  // null when the prefixes decide alone
    std::string min_prefix;           // every match starts at or after this (RE2's range)
    int to;

    bool Matches(std::string_view text) const;             // the whole rule
    bool MatchesAfterPrefix(std::string_view text) const;  // all but the prefix test
  };
  // A rule reachable from a state by a line's first byte, with the prefix to compare
  // (empty for a rule without prefixes).
  struct Candidate {
    const Rule* rule;
    std::string_view prefix;
  };
  struct State {
    std::array<std::vector<Candidate>, 256> by_first_byte;  // in rule order
  };

  MultilineRules() = default;
  static Result<std::unique_ptr<Rule>> CompileRule(const MultilineRuleSpec& spec);
  int StateIndex(const std::string& name);
  void AddCandidates(int state, const Rule& rule);

  std::vector<MultilineRuleSpec> specs_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<std::string> state_names_;
  std::vector<State> states_;
};

}  // namespace sockfilter
