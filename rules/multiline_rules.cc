#include "rules/multiline_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>

#include "rules/match_memo.h"
#include "rules/rule_problems.h"

namespace sockfilter {

namespace {

constexpr int kRangeBytes = 12;

// The bytes a match can begin with, from RE2's possible-match range: every match m has
// min <= m <= max. A non-empty min also proves that no match is empty (the empty string
// sorts before it), so that m[0] lies in [min[0], max[0]]. (With a range of one byte, RE2 rounds
// max up to the next byte: "[" for [A-Z]; the longer range keeps max[0] exact.)
std::bitset<256> PatternFirstBytes(const std::string& min, const std::string& max) {
  std::bitset<256> bytes;
  if (min.empty() || max.empty()) {
    bytes.set();
    return bytes;
  }
  unsigned lo = static_cast<unsigned char>(min[0]);
  unsigned hi = static_cast<unsigned char>(max[0]);
  for (unsigned b = lo; b <= hi; ++b) bytes.set(b);
  return bytes;
}

// What every match begins with: the bytes min and max share. A match that left them at
// some byte would there be below min's byte or above max's, so sort before min or after
// max; one that stopped short of them would be a proper prefix of min, and sort before it.
std::string PatternPrefix(const std::string& min, const std::string& max) {
  size_t n = 0;
  while (n < min.size() && n < max.size() && min[n] == max[n]) ++n;
  return min.substr(0, n);
}

// Byte loops, not memcmp: prefixes are a few bytes and these run for most lines, where a
// library call costs more than the comparison.
bool StartsWith(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (text[i] != prefix[i]) return false;
  return true;
}

// True when the line sorts before `min`, so that no match can start the line.
bool SortsBefore(std::string_view text, std::string_view min) {
  size_t n = std::min(text.size(), min.size());
  for (size_t i = 0; i < n; ++i) {
    if (text[i] != min[i])
      return static_cast<unsigned char>(text[i]) < static_cast<unsigned char>(min[i]);
  }
  return text.size() < min.size();
}

bool MatchesAtStart(const re2::RE2& regex, std::string_view text) {
  return regex.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                     re2::RE2::ANCHOR_START, nullptr, 0);
}

// RE2's answers for lines seen lately. Per thread: the rules are shared between threads,
// and a memo behind a lock would cost more than it saves.
thread_local MatchMemo memo;

std::string RuleError(const MultilineRuleSpec& spec, const std::string& problem) {
  return spec.source + ": rule " + spec.id + ": " + problem;
}

}  // namespace

MultilineRules::~MultilineRules() = default;

int MultilineRules::StateIndex(const std::string& name) {
  for (size_t i = 0; i < state_names_.size(); ++i)
    if (state_names_[i] == name) return static_cast<int>(i);
  state_names_.push_back(name);
  states_.emplace_back();
  return static_cast<int>(state_names_.size() - 1);
}

Result<std::shared_ptr<const MultilineRules>> MultilineRules::Compile(
    const std::vector<MultilineRuleSpec>& specs) {
  std::shared_ptr<MultilineRules> rules(new MultilineRules());
  rules->StateIndex("record");
  RuleProblems problems;  // every rule's, not only the first
  for (const MultilineRuleSpec& spec : specs) {
    if (spec.from.empty()) {
      problems.Add(RuleError(spec, "`from` lists no state"));
      continue;
    }
    Result<std::unique_ptr<Rule>> compiled = CompileRule(spec);
    if (!compiled.ok()) {
      problems.Add(compiled.status());
      continue;
    }
    std::unique_ptr<Rule> rule = std::move(*compiled);
    rule->to = rules->StateIndex(spec.to);
    for (const std::string& from : spec.from) rules->AddCandidates(rules->StateIndex(from), *rule);
    rules->rules_.push_back(std::move(rule));
  }
  if (!problems.empty()) return problems.ToStatus();
  rules->specs_ = specs;
  return std::shared_ptr<const MultilineRules>(std::move(rules));
}

Result<std::unique_ptr<MultilineRules::Rule>> MultilineRules::CompileRule(
    const MultilineRuleSpec& spec) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto rule = std::make_unique<Rule>();
  rule->id = spec.id;
  rule->prefixes = spec.prefixes;
  for (const std::string& p : spec.prefixes)
    if (p.empty()) return Status::Error(RuleError(spec, "empty prefix"));
  for (const std::string& c : spec.contains)
    if (c.empty()) return Status::Error(RuleError(spec, "empty `contains` literal"));
  rule->contains = LiteralGate(spec.contains);
  if (spec.prefixes.empty() && spec.pattern.empty())
    return Status::Error(RuleError(spec, "needs a `prefix` or a `pattern`"));
  if (!spec.contains.empty() && spec.pattern.empty())
    return Status::Error(
        RuleError(spec, "`contains` without a `pattern`: it only spares RE2 work"));
  if (!spec.pattern.empty()) {
    rule->regex = std::make_unique<re2::RE2>(spec.pattern, options);
    if (!rule->regex->ok()) {
      return Status::Error(RuleError(
          spec, "bad pattern: " + rule->regex->error() + " at `" + rule->regex->error_arg() + "`"));
    }
    if (MatchesAtStart(*rule->regex, ""))
      return Status::Error(RuleError(spec, "pattern matches an empty line"));
    std::string max;
    if (!rule->regex->PossibleMatchRange(&rule->min_prefix, &max, kRangeBytes)) {
      rule->min_prefix.clear();
      max.clear();
    }
    rule->first_bytes = PatternFirstBytes(rule->min_prefix, max);
    rule->pattern_prefix = PatternPrefix(rule->min_prefix, max);
    rule->memo_id = MatchMemo::NewTestId();
  }
  RuleProblems problems;  // each example that fails
  for (const std::string& example : spec.examples) {
    if (!rule->Matches(example))
      problems.Add(RuleError(spec, "example does not match: \"" + example + "\""));
  }
  for (const std::string& counter : spec.counter_examples) {
    if (rule->Matches(counter))
      problems.Add(RuleError(spec, "counter-example matches: \"" + counter + "\""));
  }
  if (!problems.empty()) return problems.ToStatus();
  return rule;
}

void MultilineRules::AddCandidates(int state, const Rule& rule) {
  State& s = states_[state];
  if (!rule.prefixes.empty()) {
    for (const std::string& p : rule.prefixes)
      s.by_first_byte[static_cast<unsigned char>(p[0])].push_back(
          {&rule, std::string_view(p).substr(1)});
    return;
  }
  if (!rule.pattern_prefix.empty()) {
    std::string_view p = rule.pattern_prefix;
    s.by_first_byte[static_cast<unsigned char>(p[0])].push_back({&rule, p.substr(1)});
    return;
  }
  for (unsigned b = 0; b < 256; ++b)
    if (rule.first_bytes[b]) s.by_first_byte[b].push_back({&rule, std::string_view()});
}

bool MultilineRules::Rule::Matches(std::string_view text) const {
  if (!prefixes.empty()) {
    bool any = false;
    for (const std::string& p : prefixes) any = any || StartsWith(text, p);
    if (!any) return false;
  }
  return MatchesAfterPrefix(text);
}

// Cheapest test first: the comparison with min_prefix reads a few bytes, the literals read
// the line once per distinct first byte, RE2 reads it whole and costs most to start.
bool MultilineRules::Rule::MatchesAfterPrefix(std::string_view text) const {
  if (!regex) return true;
  // Every match is >= min_prefix, and so is the line that starts with it.
  if (SortsBefore(text, min_prefix)) return false;
  if (!contains.Holds(text)) return false;
  return memo.Answer(memo_id, text,
                     [this](std::string_view t) { return MatchesAtStart(*regex, t); });
}

bool MultilineRules::Continues(int state, std::string_view text, int* next_state) const {
  if (text.empty()) return false;
  const std::vector<Candidate>& candidates =
      states_[state].by_first_byte[static_cast<unsigned char>(text[0])];
  if (candidates.empty()) return false;  // most lines
  const Candidate* begin = candidates.data();
  return FirstTaker(begin, begin + candidates.size(), text, next_state);
}

bool MultilineRules::ContinuesInSomeState(std::string_view text) const {
  int next;
  for (size_t state = 0; state < states_.size(); ++state) {
    if (Continues(static_cast<int>(state), text, &next)) return true;
  }
  return false;
}

// Split in two, each ending in a (tail) call to the other: the loop itself calls nothing,
// so the common cases (no candidate, a stack frame taken by its prefix) run without
// setting up a frame. Hence the noinline.
bool MultilineRules::FirstTaker(const Candidate* c, const Candidate* end, std::string_view text,
                                int* next_state) {
  std::string_view rest(text.data() + 1, text.size() - 1);
  for (; c != end; ++c) {
    if (!StartsWith(rest, c->prefix_rest)) continue;
    if (c->rule->regex) return PatternTaker(c, end, text, next_state);
    *next_state = c->rule->to;
    return true;
  }
  return false;
}

[[gnu::noinline]] bool MultilineRules::PatternTaker(const Candidate* c, const Candidate* end,
                                                    std::string_view text, int* next_state) {
  if (!c->rule->MatchesAfterPrefix(text)) return FirstTaker(c + 1, end, text, next_state);
  *next_state = c->rule->to;
  return true;
}

}  // namespace sockfilter
