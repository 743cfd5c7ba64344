#include "rules/multiline_rules.h"

#include <re2/re2.h>

namespace sockfilter {

namespace {

// The bytes a match of `regex` can begin with, from RE2's possible-match range. The range
// is conservative (it may include bytes that cannot start a match, never the reverse).
std::bitset<256> FirstBytes(const re2::RE2& regex) {
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
  re2::RE2::Options options;
  options.set_log_errors(false);
  for (const MultilineRuleSpec& spec : specs) {
    if (spec.from.empty()) return Status::Error(RuleError(spec, "`from` lists no state"));
    auto rule = std::make_unique<Rule>();
    rule->id = spec.id;
    rule->regex = std::make_unique<re2::RE2>(spec.pattern, options);
    if (!rule->regex->ok()) {
      return Status::Error(RuleError(
          spec, "bad pattern: " + rule->regex->error() + " at `" + rule->regex->error_arg() + "`"));
    }
    for (const std::string& example : spec.examples) {
      if (!MatchesAtStart(*rule->regex, example)) {
        return Status::Error(RuleError(spec, "example does not match: \"" + example + "\""));
      }
    }
    for (const std::string& counter : spec.counter_examples) {
      if (MatchesAtStart(*rule->regex, counter)) {
        return Status::Error(RuleError(spec, "counter-example matches: \"" + counter + "\""));
      }
    }
    rule->to = rules->StateIndex(spec.to);
    std::bitset<256> first = FirstBytes(*rule->regex);
    for (const std::string& from : spec.from) {
      State& state = rules->states_[rules->StateIndex(from)];
      state.first_bytes |= first;
      state.rules.push_back(rule.get());
    }
    rules->rules_.push_back(std::move(rule));
  }
  return std::shared_ptr<const MultilineRules>(std::move(rules));
}

bool MultilineRules::Continues(int state, std::string_view text, int* next_state) const {
  const State& s = states_[state];
  if (text.empty() || !s.first_bytes[static_cast<unsigned char>(text[0])]) return false;
  for (const Rule* rule : s.rules) {
    if (MatchesAtStart(*rule->regex, text)) {
      *next_state = rule->to;
      return true;
    }
  }
  return false;
}

}  // namespace sockfilter
