// EventCountSummary: the summary `compact` writes until the analyzer's own summary is
// plugged in: lines, events and bytes of the original file, and events per cause (when
// the classify stage tagged them), in the `sockfilter.summary.v1` field names.
//
//   EventCountSummary summary("app.log.1", rules.causes);
//   ... events ...
//   Result<std::string> json = summary.Json();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "filters/compact_stages.h"
#include "rules/rule_loader.h"

namespace sockfilter {

class EventCountSummary : public CompactSummary {
 public:
  EventCountSummary(std::string file, const std::vector<CauseInfo>& causes);

  void OnEvent(const Event& event) override;
  Result<std::string> Json() const override;

 private:
  std::string file_;
  const std::vector<CauseInfo>& causes_;
  std::vector<uint64_t> per_cause_;
  uint64_t lines_ = 0;
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
  TimeMs first_ = kNoTime;
  TimeMs last_ = kNoTime;
};

}  // namespace sockfilter
