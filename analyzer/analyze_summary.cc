#include "analyzer/analyze_summary.h"

#include "analyzer/civil_time.h"
#include "analyzer/report.h"
#include "analyzer/root_causes.h"
#include "analyzer/summary_json.h"

namespace sockfilter {

namespace {

SummarySink::Options SinkOptions(TimeMs mtime_ms) {
  SummarySink::Options options;
  options.default_year = mtime_ms > 0 ? YearOf(mtime_ms) : CurrentUtcYear();
  return options;
}

}  // namespace

AnalyzeSummary::AnalyzeSummary(const RuleBook& rules, TimeMs mtime_ms)
    : signer_(SignatureMode::kNormalized),
      sink_(
          rules.causes, [this](const Event& e) { return signer_.Sign(e.raw, e.tags.json); },
          &summary_, SinkOptions(mtime_ms)),
      classify_(rules.classifier, &sink_) {
  classify_.set_default_year(SinkOptions(mtime_ms).default_year);
}

void AnalyzeSummary::OnEvent(const Event& event) {
  // The analyzer counts what was read; `bytes` is the decompressed input, as in analyze.
  if (event.kind != EventKind::kMarker) summary_.bytes += event.raw.size();
  classify_.OnEvent(event);
}

bool AnalyzeSummary::IsOriginalOf(std::string_view summary_json) const {
  Result<Summary> original = ReadSummaryJson(summary_json, "summary");
  if (!original.ok() || original->causes.size() != summary_.causes.size()) return false;
  for (const auto& [id, stats] : summary_.causes) {
    if (original->CauseCount(id) != stats.count) return false;
  }
  return true;
}

Result<std::string> AnalyzeSummary::Json() const {
  return RenderJson(summary_, InferRootCauses(summary_), ReportOptions());
}

}  // namespace sockfilter
