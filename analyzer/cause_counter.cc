#include "analyzer/cause_counter.h"

namespace sockfilter {

void CauseCounter::OnEvent(const Event& event) {
  if (event.kind == EventKind::kMarker) return;  // written by a filter, not read
  counts_.lines += event.line_count;
  counts_.bytes += event.raw.size();
  if (event.kind == EventKind::kBlank || event.kind == EventKind::kTailHeader) return;
  ++counts_.events;
  for (uint32_t bits = event.tags.causes; bits != 0; bits &= bits - 1) {
    size_t index = static_cast<size_t>(__builtin_ctz(bits));
    if (index < counts_.by_cause.size()) ++counts_.by_cause[index].mentioned;
  }
  if (event.tags.cause < 0 || static_cast<size_t>(event.tags.cause) >= counts_.by_cause.size())
    return;
  ++counts_.classified;
  CauseCounts::PerCause& cause = counts_.by_cause[event.tags.cause];
  ++cause.events;
  cause.lines += event.line_count;
  cause.bytes += event.raw.size();
}

}  // namespace sockfilter
