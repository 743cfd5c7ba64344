#include "rules/multiline_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>

namespace sockfilter {

namespace {

constexpr int kRangeBytes = 12;

// The bytes a match of `regex` can begin with, from RE2's possible-match range. The range
// is conservative (it may include bytes that cannot start a match, never the reverse).
std::bitset<256> PatternFirstBytes(const re2::RE2& regex) {
  std::bitset<256> bytes;
  std::string min, max;
  if (!regex.PossibleMatchRange(&min, &max, 1) || max.empty()) {
    bytes.set();
    return bytes;
  }
  unsigned lo = min.empty() ? 0 : static_cast<unsigned char>(min[0]);
  unsigned hi = static_cast<unsigned char>(max[0]);
  for (unsigned b = lo; b <= hi && b < 256; ++b) bytes.set(b);
  return bytes;
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
  for (const MultilineRuleSpec& spec : specs) {
    if (spec.from.empty()) return Status::Error(RuleError(spec, "`from` lists no state"));
    Result<std::unique_ptr<Rule>> compiled = CompileRule(spec);
    if (!compiled.ok()) return compiled.status();
    std::unique_ptr<Rule> rule = std::move(*compiled);
    rule->to = rules->StateIndex(spec.to);
    for (const std::string& from : spec.from) rules->AddCandidates(rules->StateIndex(from), *rule);
    rules->rules_.push_back(std::move(rule));
  }
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
  rule->contains = spec.contains;
  for (const std::string& p : spec.prefixes)
    if (p.empty()) return Status::Error(RuleError(spec, "empty prefix"));
  if (spec.prefixes.empty() && spec.pattern.empty())
    return Status::Error(RuleError(spec, "needs a `prefix` or a `pattern`"));
  if (!spec.pattern.empty()) {
    rule->regex = std::make_unique<re2::RE2>(spec.pattern, options);
    if (!rule->regex->ok()) {
      return Status::Error(RuleError(
          spec, "bad pattern: " + rule->regex->error() + " at `" + rule->regex->error_arg() + "`"));
    }
    if (MatchesAtStart(*rule->regex, ""))
      return Status::Error(RuleError(spec, "pattern matches an empty line"));
    std::string max;
    if (!rule->regex->PossibleMatchRange(&rule->min_prefix, &max, kRangeBytes))
      rule->min_prefix.clear();
  }
  for (const std::string& example : spec.examples) {
    if (!rule->Matches(example))
      return Status::Error(RuleError(spec, "example does not match: \"" + example + "\""));
  }
  for (const std::string& counter : spec.counter_examples) {
    if (rule->Matches(counter))
      return Status::Error(RuleError(spec, "counter-example matches: \"" + counter + "\""));
  }
  return rule;
}

void MultilineRules::AddCandidates(int state, const Rule& rule) {
  State& s = states_[state];
  if (!rule.prefixes.empty()) {
    for (const std::string& p : rule.prefixes)
      s.by_first_byte[static_cast<unsigned char>(p[0])].push_back({&rule, p});
    return;
  }
  std::bitset<256> first = PatternFirstBytes(*rule.regex);
  for (unsigned b = 0; b < 256; ++b)
    if (first[b]) s.by_first_byte[b].push_back({&rule, std::string_view()});
}

bool MultilineRules::Rule::Matches(std::string_view text) const {
  if (!prefixes.empty()) {
    bool any = false;
    for (const std::string& p : prefixes) any = any || StartsWith(text, p);
    if (!any) return false;
  }
  return MatchesAfterPrefix(text);
}

bool MultilineRules::Rule::MatchesAfterPrefix(std::string_view text) const {
  if (!regex) return true;
  if (!contains.empty()) {
    bool any = false;
    for (const std::string& c : contains) any = any || text.find(c) != std::string_view::npos;
    if (!any) return false;
  }
  // Every match is >= min_prefix, and so is the line that starts with it; comparing the
  // line's first bytes rules out most lines without running RE2.
  if (SortsBefore(text, min_prefix)) return false;
  return MatchesAtStart(*regex, text);
}

bool MultilineRules::Continues(int state, std::string_view text, int* next_state) const {
  if (text.empty()) return false;
  for (const Candidate& c : states_[state].by_first_byte[static_cast<unsigned char>(text[0])]) {
    if (StartsWith(text, c.prefix) && c.rule->MatchesAfterPrefix(text)) {
      *next_state = c.rule->to;
      return true;
    }
  }
  return false;
}

}  // namespace sockfilter
