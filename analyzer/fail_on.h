// --fail-on ID[=N]: the exit-status threshold of `analyze` and `merge`, for cron and CI.
//
// ID is a cause id (conn_reset, too_many_files, ...) or a root-cause id (idle_timeout,
// fd_exhaustion, ...). A cause is met when it has at least N events (default 1); a root
// cause when it was inferred and explains at least N events. The command exits 3 when any
// threshold is met (after printing its report).
//
//   Result<FailOn> rule = ParseFailOn("conn_reset=100", rules.causes);
//   std::optional<std::string> met = FirstMet({*rule}, summary, roots);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/root_causes.h"
#include "analyzer/status.h"
#include "analyzer/summary.h"
#include "rules/rule_loader.h"

namespace sockfilter {

struct FailOn {
  std::string id;
  uint64_t min = 1;
  bool root_cause = false;
};

// `known_causes` are the taxonomy's ids; an unknown id or a bad N is an error.
Result<FailOn> ParseFailOn(std::string_view text, const std::vector<std::string>& known_causes);

// "conn_reset: 4469 events >= 100" for the first threshold met, else nothing.
std::optional<std::string> FirstMet(const std::vector<FailOn>& rules, const Summary& summary,
                                    const std::vector<RootCause>& roots);

}  // namespace sockfilter
