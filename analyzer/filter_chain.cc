#include "analyzer/filter_chain.h"

#include <cmath>

#include "analyzer/classify_stage.h"
#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

// Seconds as given on the command line to milliseconds; false when not a positive,
// finite number of at most about 300 years.
bool ToMillis(double seconds, TimeMs* ms) {
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > 1e10) return false;
  *ms = std::max<TimeMs>(1, std::llround(seconds * 1000));
  return true;
}

Result<DedupeOptions> MakeDedupeOptions(const RuleBook& rules, const FilterOptions& options) {
  DedupeOptions d;
  if (!ToMillis(options.window_seconds, &d.window_ms))
    return Status::Error("--window: must be a positive number of seconds, at most 1e10");
  if (!ToMillis(options.marker_interval_seconds, &d.marker_interval_ms))
    return Status::Error("--marker-interval: must be a positive number of seconds, at most 1e10");
  if (options.keep < 1) return Status::Error("--keep: must be at least 1");
  // The table's slots are allocated up front (8-16 bytes per signature), and Boost reads "-1"
  // as 4294967295: an upper bound keeps a typo from becoming a 32 GiB allocation.
  if (options.max_signatures < 1 || options.max_signatures > kMaxSignaturesLimit)
    return Status::Error("--max-signatures: must be between 1 and 10000000");
  d.keep = options.keep;
  d.mode = options.dedupe;
  d.signature = options.signature;
  d.max_signatures = options.max_signatures;
  for (const CauseInfo& cause : rules.causes) d.cause_ids.push_back(cause.id);
  return d;
}

}  // namespace

FilterChain::FilterChain(std::unique_ptr<EventSink> classify, std::unique_ptr<DedupeFilter> dedupe,
                         std::unique_ptr<NewlineGuard> guard)
    : guard_(std::move(guard)), dedupe_(std::move(dedupe)), classify_(std::move(classify)) {
  head_ = classify_ ? classify_.get() : dedupe_.get();
}

DedupeStats FilterChain::stats() const {
  DedupeStats stats = dedupe_->stats();
  stats.bytes_out += guard_->bytes_added();  // written too, though no filter decided on them
  return stats;
}

Result<std::unique_ptr<FilterChain>> BuildFilterChain(const RuleBook& rules,
                                                      const FilterOptions& options,
                                                      EventSink* final_sink) {
  Result<DedupeOptions> dedupe_options = MakeDedupeOptions(rules, options);
  if (!dedupe_options.ok()) return dedupe_options.status();
  auto guard = std::make_unique<NewlineGuard>(final_sink);
  auto dedupe = std::make_unique<DedupeFilter>(std::move(*dedupe_options), guard.get());
  // Pure pass-through needs no classification: skipping it keeps `--dedupe none` at the
  // speed of reading and assembling alone.
  if (options.dedupe == DedupeMode::kNone)
    return std::make_unique<FilterChain>(nullptr, std::move(dedupe), std::move(guard));
  if (!rules.classifier) return Status::Error("the rules hold no classifier");
  auto classify = std::make_unique<ClassifyStage>(rules.classifier, dedupe.get());
  classify->set_default_year(options.default_year != 0 ? options.default_year : CurrentUtcYear());
  return std::make_unique<FilterChain>(std::move(classify), std::move(dedupe), std::move(guard));
}

}  // namespace sockfilter
