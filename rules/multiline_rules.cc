#include "rules/multiline_rules.h"

#include <re2/re2.h>

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

std::bitset<256> PrefixFirstBytes(const std::vector<std::string>& prefixes) {
  std::bitset<256> bytes;
  for (const std::string& p : prefixes) bytes.set(static_cast<unsigned char>(p[0]));
  return bytes;
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
    std::bitset<256> first;
    first.set();
    if (!rule->prefixes.empty()) first &= PrefixFirstBytes(rule->prefixes);
    if (rule->regex) first &= PatternFirstBytes(*rule->regex);
    for (const std::string& from : spec.from) {
      State& state = rules->states_[rules->StateIndex(from)];
      state.first_bytes |= first;
      state.rules.push_back(rule.get());
    }
    rules->rules_.push_back(std::move(rule));
  }
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

bool MultilineRules::Rule::Matches(std::string_view text) const {
  if (!prefixes.empty()) {
    bool any = false;
    for (const std::string& p : prefixes) any = any || text.substr(0, p.size()) == p;
    if (!any) return false;
  }
  if (!regex) return true;
  // Every match is >= min_prefix, and so is the line that starts with it; comparing the
  // line's first bytes rules out most lines without running RE2.
  if (text.substr(0, min_prefix.size()) < min_prefix) return false;
  return MatchesAtStart(*regex, text);
}

bool MultilineRules::Continues(int state, std::string_view text, int* next_state) const {
  const State& s = states_[state];
  if (text.empty() || !s.first_bytes[static_cast<unsigned char>(text[0])]) return false;
  for (const Rule* rule : s.rules) {
    if (rule->Matches(text)) {
      *next_state = rule->to;
      return true;
    }
  }
  return false;
}

}  // namespace sockfilter
