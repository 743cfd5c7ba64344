// Timeline: counts of events per time bucket, on a grid that merges exactly.
//
// Buckets are aligned to multiples of their width since the epoch, and every width is
// taken from a ladder in which each width divides the next (1 s, 5 s, 10 s, 30 s, 1 min,
// 5 min, 10 min, 30 min, 1 h, 2 h, 6 h, 12 h, 1 d, 7 d). Counting starts at 1 s and
// coarsens (exactly: a bucket never straddles two wider ones) when the covered range would
// exceed kMaxBuckets. Two timelines merge by coarsening both to the wider width; a report
// then picks its width from the span (ChooseWidth) and coarsens once more. So the buckets
// of merge(A, B) equal those of A + B counted in one pass.
//
//   Timeline t;
//   t.Add(event_time_ms);
//   t.Merge(other);
//   Timeline shown = t.Coarsened(Timeline::ChooseWidth(span_ms));
#pragma once

#include <cstdint>
#include <vector>

#include "analyzer/event.h"

namespace sockfilter {

class Timeline {
 public:
  static constexpr size_t kMaxBuckets = 4096;
  static constexpr size_t kTargetBuckets = 48;  // what a report aims for

  void Add(TimeMs time, uint64_t count = 1);
  void Merge(const Timeline& other);

  // A copy at `width_ms` (REQUIRES: a ladder width that is a multiple of width_ms()).
  Timeline Coarsened(int64_t width_ms) const;

  // The narrowest ladder width that shows `span_ms` in at most kTargetBuckets buckets.
  static int64_t ChooseWidth(int64_t span_ms);
  // The narrowest ladder width of at least `width_ms` (a --bucket value, rounded up so
  // that it stays a multiple of every narrower width).
  static int64_t LadderAtLeast(int64_t width_ms);

  bool empty() const { return counts_.empty(); }
  int64_t width_ms() const { return width_ms_; }
  // Start of the first bucket (ms since the epoch); meaningful when !empty().
  TimeMs start_ms() const { return first_index_ * width_ms_; }
  const std::vector<uint64_t>& counts() const { return counts_; }

  // Rebuilds a timeline from its serialized form.
  static Timeline FromCounts(TimeMs start_ms, int64_t width_ms, std::vector<uint64_t> counts);

 private:
  void CoarsenTo(int64_t width_ms);
  void Trim();

  int64_t width_ms_ = 1000;
  int64_t first_index_ = 0;  // bucket index (time / width) of counts_[0]
  std::vector<uint64_t> counts_;
};

}  // namespace sockfilter
