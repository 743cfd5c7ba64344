#include "analyzer/fail_on.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace sockfilter {

Result<FailOn> ParseFailOn(std::string_view text, const std::vector<std::string>& known_causes) {
  FailOn rule;
  size_t eq = text.find('=');
  rule.id = std::string(text.substr(0, eq));
  if (eq != std::string_view::npos) {
    std::string_view n = text.substr(eq + 1);
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), rule.min);
    if (n.empty() || ec != std::errc() || end != n.data() + n.size())
      return Status::Error(fmt::format("--fail-on {}: `{}` is not a count", text, n));
  }
  bool cause = std::find(known_causes.begin(), known_causes.end(), rule.id) != known_causes.end();
  rule.root_cause = std::any_of(std::begin(kRootCauseIds), std::end(kRootCauseIds),
                                [&](const char* id) { return rule.id == id; });
  if (!cause && !rule.root_cause)
    return Status::Error(
        fmt::format("--fail-on {}: `{}` is neither a cause nor a root-cause id", text, rule.id));
  return rule;
}

std::optional<std::string> FirstMet(const std::vector<FailOn>& rules, const Summary& summary,
                                    const std::vector<RootCause>& roots) {
  for (const FailOn& rule : rules) {
    if (rule.root_cause) {
      for (const RootCause& rc : roots)
        if (rc.id == rule.id && rc.events >= rule.min)
          return fmt::format("root cause {} ({} events, confidence {:.2f}) >= {}", rc.id, rc.events,
                             rc.confidence, rule.min);
      continue;
    }
    uint64_t n = summary.CauseCount(rule.id);
    if (n >= rule.min) return fmt::format("{}: {} events >= {}", rule.id, n, rule.min);
  }
  return std::nullopt;
}

}  // namespace sockfilter
