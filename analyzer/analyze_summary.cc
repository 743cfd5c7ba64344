#include "analyzer/analyze_summary.h"

#include "analyzer/civil_time.h"
#include "analyzer/report.h"
#include "analyzer/root_causes.h"

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

Result<std::string> AnalyzeSummary::Json() const {
  return RenderJson(summary_, InferRootCauses(summary_), ReportOptions());
}

}  // namespace sockfilter
