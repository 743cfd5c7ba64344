// CappedCounts: occurrences per key (peer, endpoint, component) for at most `cap` keys.
//
// When there are more keys than the cap, the kept keys are the `cap` with the smallest
// HashText() — a choice that does not depend on the order of arrival — and their counts
// are exact; the occurrences of every other key are counted in others(). A key that ends
// up kept was kept from its first occurrence on (a key is only dropped for one with a
// smaller hash), in any part of the input too, so merge(A, B) keeps exactly the keys and
// counts that counting A + B in one pass keeps.
//
//   CappedCounts peers(1024);
//   peers.Add("10.0.0.7");
//   for (auto& [key, n] : peers.Top(5)) ...
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sockfilter {

class CappedCounts {
 public:
  explicit CappedCounts(size_t cap = 1024) : cap_(cap) {}

  void Add(std::string_view key, uint64_t count = 1);
  void Merge(const CappedCounts& other);

  // The `n` largest counts, largest first; ties by key.
  std::vector<std::pair<std::string, uint64_t>> Top(size_t n) const;
  // Every kept key with its count, in key-hash order (what a summary file stores).
  std::vector<std::pair<std::string, uint64_t>> Entries() const;
  uint64_t others() const { return total_ - kept_total_; }
  uint64_t total() const { return total_; }
  size_t size() const { return counts_.size(); }
  // Restores a serialized count of keys that were not kept.
  void AddOthers(uint64_t n) { total_ += n; }

 private:
  // Finds a key by its view: a key is looked up for every event, but copied only when new.
  struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  size_t cap_;
  std::unordered_map<std::string, uint64_t, ViewHash, std::equal_to<>> counts_;
  std::map<uint64_t, std::string> by_hash_;  // kept keys; the largest hash goes first
  uint64_t total_ = 0;
  uint64_t kept_total_ = 0;
};

}  // namespace sockfilter
