#include "analyzer/timeline.h"

#include <algorithm>

namespace sockfilter {

namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kLadder[] = {
    kSecond,         5 * kSecond,     10 * kSecond,    30 * kSecond,     60 * kSecond,
    300 * kSecond,   600 * kSecond,   1800 * kSecond,  3600 * kSecond,   7200 * kSecond,
    21600 * kSecond, 43200 * kSecond, 86400 * kSecond, 604800 * kSecond,
};

// Floor division (times before 1970 stay on the grid).
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t NextWider(int64_t width) {
  for (int64_t w : kLadder)
    if (w > width && w % width == 0) return w;
  return width * 2;
}

}  // namespace

int64_t Timeline::LadderAtLeast(int64_t width_ms) {
  for (int64_t w : kLadder)
    if (w >= width_ms) return w;
  return kLadder[std::size(kLadder) - 1];
}

int64_t Timeline::ChooseWidth(int64_t span_ms) {
  for (int64_t w : kLadder)
    if (span_ms / w + 1 <= static_cast<int64_t>(kTargetBuckets)) return w;
  return kLadder[std::size(kLadder) - 1];
}

void Timeline::Add(TimeMs time, uint64_t count) {
  if (time == kNoTime) return;
  int64_t index = FloorDiv(time, width_ms_);
  if (counts_.empty()) {
    first_index_ = index;
    counts_.push_back(count);
    return;
  }
  int64_t last_index = first_index_ + static_cast<int64_t>(counts_.size()) - 1;
  int64_t low = std::min(first_index_, index);
  int64_t high = std::max(last_index, index);
  if (high - low + 1 > static_cast<int64_t>(kMaxBuckets)) {
    CoarsenTo(NextWider(width_ms_));
    Add(time, count);
    return;
  }
  if (index < first_index_) {
    counts_.insert(counts_.begin(), static_cast<size_t>(first_index_ - index), 0);
    first_index_ = index;
  } else if (index > last_index) {
    counts_.resize(counts_.size() + static_cast<size_t>(index - last_index), 0);
  }
  counts_[static_cast<size_t>(index - first_index_)] += count;
}

void Timeline::CoarsenTo(int64_t width_ms) {
  if (width_ms == width_ms_) return;
  int64_t factor = width_ms / width_ms_;
  std::vector<uint64_t> old = std::move(counts_);
  int64_t old_first = first_index_;
  counts_.clear();
  width_ms_ = width_ms;
  if (old.empty()) return;
  first_index_ = FloorDiv(old_first, factor);
  int64_t last = FloorDiv(old_first + static_cast<int64_t>(old.size()) - 1, factor);
  counts_.assign(static_cast<size_t>(last - first_index_ + 1), 0);
  for (size_t i = 0; i < old.size(); ++i)
    counts_[static_cast<size_t>(FloorDiv(old_first + static_cast<int64_t>(i), factor) -
                                first_index_)] += old[i];
}

Timeline Timeline::Coarsened(int64_t width_ms) const {
  Timeline copy = *this;
  if (width_ms > width_ms_ && width_ms % width_ms_ == 0) copy.CoarsenTo(width_ms);
  return copy;
}

void Timeline::Merge(const Timeline& other) {
  if (other.counts_.empty()) return;
  Timeline incoming = other;
  // Grow both to a common width; ladder widths divide one another.
  while (incoming.width_ms_ < width_ms_) incoming.CoarsenTo(NextWider(incoming.width_ms_));
  while (width_ms_ < incoming.width_ms_) CoarsenTo(NextWider(width_ms_));
  // Add() may coarsen this timeline as the range grows: each bucket goes in by its own
  // start time, on the incoming grid.
  for (size_t i = 0; i < incoming.counts_.size(); ++i) {
    if (incoming.counts_[i] == 0) continue;
    Add((incoming.first_index_ + static_cast<int64_t>(i)) * incoming.width_ms_,
        incoming.counts_[i]);
  }
}

Timeline Timeline::FromCounts(TimeMs start_ms, int64_t width_ms, std::vector<uint64_t> counts) {
  Timeline t;
  t.width_ms_ = width_ms;
  t.first_index_ = FloorDiv(start_ms, width_ms);
  t.counts_ = std::move(counts);
  t.Trim();
  return t;
}

void Timeline::Trim() {
  size_t lead = 0;
  while (lead < counts_.size() && counts_[lead] == 0) ++lead;
  if (lead == counts_.size()) {
    counts_.clear();
    return;
  }
  counts_.erase(counts_.begin(), counts_.begin() + static_cast<std::ptrdiff_t>(lead));
  first_index_ += static_cast<int64_t>(lead);
  while (counts_.back() == 0) counts_.pop_back();
}

}  // namespace sockfilter
