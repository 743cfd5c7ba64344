#include "analyzer/capped_counts.h"

#include <algorithm>

#include "analyzer/distinct_counter.h"

namespace sockfilter {

void CappedCounts::Add(std::string_view key, uint64_t count) {
  if (key.empty()) return;
  total_ += count;
  auto it = counts_.find(key);
  if (it != counts_.end()) {
    it->second += count;
    kept_total_ += count;
    return;
  }
  uint64_t hash = HashText(key);
  if (counts_.size() >= cap_) {
    auto largest = std::prev(by_hash_.end());
    if (hash >= largest->first) return;  // not among the `cap` smallest: an other
    kept_total_ -= counts_[largest->second];
    counts_.erase(largest->second);
    by_hash_.erase(largest);
  }
  counts_.emplace(std::string(key), count);
  by_hash_.emplace(hash, std::string(key));
  kept_total_ += count;
}

void CappedCounts::Merge(const CappedCounts& other) {
  uint64_t total_before = total_;
  for (const auto& [key, count] : other.counts_) Add(key, count);
  // Add() counted only the other side's kept keys; its total includes its others.
  total_ = total_before + other.total_;
}

std::vector<std::pair<std::string, uint64_t>> CappedCounts::Entries() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& [hash, key] : by_hash_) out.emplace_back(key, counts_.at(key));
  return out;
}

std::vector<std::pair<std::string, uint64_t>> CappedCounts::Top(size_t n) const {
  std::vector<std::pair<std::string, uint64_t>> top(counts_.begin(), counts_.end());
  auto larger = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  size_t keep = std::min(n, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(keep), top.end(),
                    larger);
  top.resize(keep);
  return top;
}

}  // namespace sockfilter
