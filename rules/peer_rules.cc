#include "rules/peer_rules.h"

#include <re2/re2.h>

#include <algorithm>

#include "rules/rule_problems.h"

namespace sockfilter {

namespace {

std::string RuleError(const PeerRuleSpec& spec, const std::string& problem) {
  return spec.source + ": peer rule " + spec.id + ": " + problem;
}

}  // namespace

PeerRules::PeerRules() = default;
PeerRules::~PeerRules() = default;
PeerRules::PeerRules(PeerRules&&) noexcept = default;
PeerRules& PeerRules::operator=(PeerRules&&) noexcept = default;

bool PeerRules::Add(const PeerRuleSpec& spec, const std::vector<std::string>& causes,
                    RuleProblems* problems) {
  bool ok = true;
  Rule rule;
  if (!spec.causes.empty()) rule.causes = 0;
  for (const std::string& cause : spec.causes) {
    auto it = std::find(causes.begin(), causes.end(), cause);
    if (it == causes.end()) {
      problems->Add(RuleError(spec, "unknown cause `" + cause + "`"));
      ok = false;
    } else {
      rule.causes |= uint32_t{1} << (it - causes.begin());
    }
  }
  for (const std::string& literal : spec.contains) {
    if (literal.empty()) {
      problems->Add(RuleError(spec, "empty `contains` literal"));
      ok = false;
    }
  }
  if (ok) rule.contains = LiteralGate(spec.contains);
  re2::RE2::Options options;
  options.set_log_errors(false);
  rule.regex = std::make_unique<re2::RE2>(spec.pattern, options);
  if (!rule.regex->ok()) {
    problems->Add(RuleError(
        spec, "bad pattern: " + rule.regex->error() + " at `" + rule.regex->error_arg() + "`"));
    return false;
  }
  const auto& named = rule.regex->NamedCapturingGroups();
  auto peer = named.find("peer");
  if (peer == named.end() || rule.regex->NumberOfCapturingGroups() != 1) {
    problems->Add(RuleError(spec,
                            "pattern must have one group, `(?P<peer>...)`, and no other "
                            "(use (?:...) for grouping)"));
    return false;
  }
  rule.peer_group = peer->second;
  if (!ok) return false;
  rules_.push_back(std::move(rule));
  infos_.push_back(
      {spec.id, spec.source, spec.description, spec.pattern, spec.causes, spec.contains});
  return true;
}

void PeerRules::CheckExamples(const PeerRuleSpec& spec, RuleProblems* problems) const {
  const Rule& rule = rules_.back();
  for (const std::string& example : spec.examples) {
    if (FindOnLine(rule, example).empty())
      problems->Add(RuleError(spec, "example gives no peer: \"" + example + "\""));
  }
  for (const std::string& counter : spec.counter_examples) {
    std::string_view peer = FindOnLine(rule, counter);
    if (!peer.empty())
      problems->Add(RuleError(
          spec, "counter-example gives peer `" + std::string(peer) + "`: \"" + counter + "\""));
  }
}

std::string_view PeerRules::FindOnLine(const Rule& rule, std::string_view line) {
  if (!rule.contains.Holds(line)) return {};
  re2::StringPiece groups[2];
  if (!rule.regex->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(),
                         re2::RE2::UNANCHORED, groups, 2))
    return {};
  const re2::StringPiece& peer = groups[rule.peer_group];
  return peer.data() == nullptr ? std::string_view() : std::string_view(peer.data(), peer.size());
}

std::string_view PeerRules::Find(std::string_view text, int cause) const {
  if (cause < 0) return {};
  const uint32_t bit = uint32_t{1} << cause;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    for (const Rule& rule : rules_) {
      if ((rule.causes & bit) == 0) continue;
      std::string_view peer = FindOnLine(rule, line);
      if (!peer.empty()) return peer;
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace sockfilter
