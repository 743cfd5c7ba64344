// FilterChain: the stages between the event assembler and a command's final sink,
//
//   assembler -> classify -> dedupe -> newline guard -> final sink
//
// built in one place from one plain FilterOptions, so that `sockfilter [filter]` and
// `sockfilter compact` run the very same chain and compaction output is byte for byte the
// filter's output. The newline guard (filters/newline_guard.h) owns the output's line
// structure: input passes through as it is, but a marker or the next input's first line
// after an unterminated last line starts a line of its own; an unterminated last line that
// nothing follows stays unterminated.
//
// The chain owns its stages; `final_sink` is not owned and must outlive the chain. Push
// events into head(); after Finish(), stats() holds the accounting (--stats), the guard's
// newlines counted in bytes_out.
//
//   FilterOptions options;                 // --window, --keep, --dedupe, ...
//   Result<std::unique_ptr<FilterChain>> chain = BuildFilterChain(rules, options, &out);
//   if (!chain.ok()) return chain.status();   // an option out of range
//   RunPipeline(inputs, rules, pipeline, (*chain)->head());
//   std::string stats = FormatStatsJson((*chain)->stats());
#pragma once

#include <cstdint>
#include <memory>

#include "analyzer/event_sink.h"
#include "analyzer/status.h"
#include "filters/dedupe_filter.h"
#include "filters/newline_guard.h"
#include "filters/signature.h"
#include "rules/rule_loader.h"

namespace sockfilter {

inline constexpr uint32_t kMaxSignaturesLimit = 10'000'000;

struct FilterOptions {
  double window_seconds = 300;                           // --window SECONDS (> 0)
  uint32_t keep = 1;                                     // --keep N (>= 1)
  double marker_interval_seconds = 60;                   // --marker-interval SECONDS (> 0)
  DedupeMode dedupe = DedupeMode::kSocket;               // --dedupe socket|all|none
  SignatureMode signature = SignatureMode::kNormalized;  // --signature normalized|raw
  uint32_t max_signatures = 100'000;  // --max-signatures N (1 to kMaxSignaturesLimit)
  // The year of timestamps written without one (syslog's "Mar 11 03:13:30"); 0: the current
  // UTC year. A stream that also has dated lines puts them in its own year anyway.
  int default_year = 0;
};

class FilterChain {
 public:
  FilterChain(std::unique_ptr<EventSink> classify, std::unique_ptr<DedupeFilter> dedupe,
              std::unique_ptr<NewlineGuard> guard);

  // Where the assembler's events go.
  EventSink* head() const { return head_; }
  DedupeStats stats() const;

 private:
  // Each stage is destroyed after the one that feeds it.
  std::unique_ptr<NewlineGuard> guard_;
  std::unique_ptr<DedupeFilter> dedupe_;
  std::unique_ptr<EventSink> classify_;
  EventSink* head_;
};

// Checks `options` and builds classify -> dedupe -> newline guard -> `final_sink`. Fails (with a
// message naming the option) when a value is out of range or the rules cannot classify.
Result<std::unique_ptr<FilterChain>> BuildFilterChain(const RuleBook& rules,
                                                      const FilterOptions& options,
                                                      EventSink* final_sink);

}  // namespace sockfilter
