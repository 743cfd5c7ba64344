// AnalyzeSummary: the summary `compact` writes beside each file — what `sockfilter
// analyze --format json` reports for the original file (schema sockfilter.summary.v1), so
// that a week of rotations merges with `sockfilter merge *.sockfilter.json`.
//
// It runs its own classify stage in front of the analyzer's SummarySink: the compactor
// hands it every event of the original before the filter chain classifies them.
//
//   AnalyzeSummary summary(rules, mtime_ms);
//   ... summary.OnEvent(event) for every event, then Finish() ...
//   Result<std::string> json = summary.Json();
#pragma once

#include <memory>

#include "analyzer/classify_stage.h"
#include "analyzer/summary.h"
#include "analyzer/summary_sink.h"
#include "filters/compact_stages.h"
#include "filters/signature.h"
#include "rules/rule_loader.h"

namespace sockfilter {

class AnalyzeSummary : public CompactSummary {
 public:
  // `rules` must outlive the summary; `mtime_ms` dates syslog-style times without a year.
  AnalyzeSummary(const RuleBook& rules, TimeMs mtime_ms);

  void BeginInput(const InputInfo& input) override { classify_.BeginInput(input); }
  void OnEvent(const Event& event) override;
  void EndInput(const InputInfo& input) override { classify_.EndInput(input); }
  void Finish() override { classify_.Finish(); }
  Result<std::string> Json() const override;
  bool HeldMarkers() const override { return sink_.markers_read() > 0; }
  bool IsOriginalOf(std::string_view summary_json) const override;

 private:
  Summary summary_;
  Signer signer_;
  SummarySink sink_;
  ClassifyStage classify_;
};

}  // namespace sockfilter
