// QuietGaps: per peer, how long it was quiet before each reset — the signal that tells an
// idle timeout (gaps that cluster near one value) from resets with no pattern.
//
// Every timed event that names a peer is activity for that peer; a reset-like event
// (connection reset, broken pipe, connection aborted) records the gap since the peer's
// previous activity in a histogram with fixed bins (1 s wide up to 10 min, 5 s up to 1 h,
// 1 min up to 1 day). Gaps are taken in stream order.
//
// Mergeable: besides the histogram each tracked peer keeps its first activity (and whether
// it was a reset) and its last activity, so merge(A, B) adds the gap that spans the two
// parts, and equals counting A then B in one pass. At most kMaxPeers peers are tracked
// (admitted in order of first activity, like CappedCounts); beyond that, gaps of new
// peers are not measured and `untracked()` counts their resets.
//
//   QuietGaps gaps;
//   gaps.Observe("10.0.0.7", t, /*reset=*/true);
//   QuietGaps::Cluster c = gaps.FindCluster();   // c.fraction near 1: an idle timeout
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/event.h"

namespace sockfilter {

class QuietGaps {
 public:
  static constexpr size_t kMaxPeers = 50000;

  struct PeerState {
    TimeMs first = kNoTime;
    bool first_is_reset = false;
    TimeMs last = kNoTime;
  };

  // The densest narrow range of gaps: [low_ms, high_ms] holds `gaps` of `total` gaps.
  struct Cluster {
    int64_t low_ms = 0;
    int64_t high_ms = 0;
    int64_t typical_ms = 0;  // the median gap inside the range
    uint64_t gaps = 0;
    uint64_t total = 0;
    double fraction() const { return total ? static_cast<double>(gaps) / total : 0; }
  };

  void Observe(std::string_view peer, TimeMs time, bool reset);
  void Merge(const QuietGaps& other);

  // The cluster lies at or above `min_gap_ms`; shorter gaps (a peer's resets in quick
  // succession) still count in `total`, since they show the peer was not idle.
  Cluster FindCluster(int64_t min_gap_ms = 5000) const;
  uint64_t total_gaps() const;
  uint64_t untracked() const { return untracked_; }

  // Bin index <-> lower edge in ms (the serialized histogram is keyed by lower edge).
  static int BinOf(int64_t gap_ms);
  static int64_t BinLow(int bin);
  static int64_t BinHigh(int bin);  // exclusive

  const std::map<int, uint64_t>& bins() const { return bins_; }
  const std::vector<std::pair<std::string, PeerState>>& peers() const { return order_; }

  // Restores serialized state (summary files).
  void RestoreBin(int bin, uint64_t count) { bins_[bin] += count; }
  void RestorePeer(const std::string& peer, const PeerState& state);
  void set_untracked(uint64_t n) { untracked_ = n; }

 private:
  PeerState* Find(std::string_view peer);
  void AddGap(int64_t gap_ms) { ++bins_[BinOf(gap_ms)]; }

  // Finds a peer by its view: looked up for every timed event, copied only when new.
  struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  std::map<int, uint64_t> bins_;                          // bin -> gaps
  std::vector<std::pair<std::string, PeerState>> order_;  // admission order
  std::unordered_map<std::string, size_t, ViewHash, std::equal_to<>> index_;
  uint64_t untracked_ = 0;
};

}  // namespace sockfilter
