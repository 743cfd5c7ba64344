// CauseCounter: a sink that counts lines, events and events by primary cause — the numbers
// behind `sockfilter analyze`'s summary. It only counts; printing is the command's job
// (see analyze_command.cc), so a later, fuller report can reuse it.
//
//   CauseCounter counter(rules.causes.size());
//   ClassifyStage classify(rules.classifier, &counter);
//   RunPipeline(inputs, rules, options, &classify);
//   counter.counts().by_cause[0].events ...
//
// "Events" are records (with their continuation lines), over-long line pieces and
// continuations of a cut event; blank lines, `tail -f` headers and markers are not events
// but their lines are counted.
#pragma once

#include <cstdint>
#include <vector>

#include "analyzer/event_sink.h"

namespace sockfilter {

struct CauseCounts {
  struct PerCause {
    uint64_t events = 0;  // events whose primary cause this is
    uint64_t lines = 0;   // lines of those events
    uint64_t bytes = 0;
    uint64_t mentioned = 0;  // events that show this cause at all (primary or not)
  };
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t events = 0;
  uint64_t classified = 0;  // events with a primary cause
  std::vector<PerCause> by_cause;
};

class CauseCounter : public EventSink {
 public:
  explicit CauseCounter(size_t cause_count) { counts_.by_cause.resize(cause_count); }

  void OnEvent(const Event& event) override;
  const CauseCounts& counts() const { return counts_; }

 private:
  CauseCounts counts_;
};

}  // namespace sockfilter
