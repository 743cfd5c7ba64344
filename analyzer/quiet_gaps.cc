#include "analyzer/quiet_gaps.h"

#include <algorithm>

namespace sockfilter {

namespace {

constexpr int64_t kSecond = 1000;
constexpr int kFineBins = 600;     // 1 s bins: [0, 10 min)
constexpr int kMiddleBins = 600;   // 5 s bins: [10 min, 60 min)
constexpr int kCoarseBins = 1380;  // 60 s bins: [1 h, 24 h)
constexpr int kOverflowBin = kFineBins + kMiddleBins + kCoarseBins;

// A cluster is the densest range whose width is at most this share of its low edge (and
// at least 2 s): an idle timeout fires at one value plus the time the next use took.
constexpr double kClusterRelativeWidth = 0.15;

}  // namespace

int QuietGaps::BinOf(int64_t gap_ms) {
  int64_t s = gap_ms / kSecond;
  if (s < 600) return static_cast<int>(s);
  if (s < 3600) return kFineBins + static_cast<int>((s - 600) / 5);
  if (s < 86400) return kFineBins + kMiddleBins + static_cast<int>((s - 3600) / 60);
  return kOverflowBin;
}

int64_t QuietGaps::BinLow(int bin) {
  if (bin < kFineBins) return bin * kSecond;
  if (bin < kFineBins + kMiddleBins) return (600 + (bin - kFineBins) * 5) * kSecond;
  if (bin < kOverflowBin) return (3600 + (bin - kFineBins - kMiddleBins) * 60) * kSecond;
  return 86400 * kSecond;
}

int64_t QuietGaps::BinHigh(int bin) { return bin >= kOverflowBin ? INT64_MAX : BinLow(bin + 1); }

QuietGaps::PeerState* QuietGaps::Find(std::string_view peer) {
  auto it = index_.find(peer);
  return it == index_.end() ? nullptr : &order_[it->second].second;
}

void QuietGaps::Observe(std::string_view peer, TimeMs time, bool reset) {
  if (peer.empty() || time == kNoTime) return;
  PeerState* state = Find(peer);
  if (state == nullptr) {
    if (order_.size() >= kMaxPeers) {
      if (reset) ++untracked_;
      return;
    }
    index_.emplace(std::string(peer), order_.size());
    order_.push_back({std::string(peer), PeerState{time, reset, time}});
    return;
  }
  if (reset && time >= state->last) AddGap(time - state->last);
  state->last = time;
}

void QuietGaps::Merge(const QuietGaps& other) {
  for (const auto& [bin, count] : other.bins_) bins_[bin] += count;
  untracked_ += other.untracked_;
  for (const auto& [peer, theirs] : other.order_) {
    PeerState* mine = Find(peer);
    if (mine == nullptr) {
      RestorePeer(peer, theirs);
      continue;
    }
    // The gap that spans the two parts: what a single pass would have seen at the other
    // part's first activity for this peer.
    if (theirs.first_is_reset && theirs.first >= mine->last) AddGap(theirs.first - mine->last);
    mine->last = theirs.last;
  }
}

void QuietGaps::RestorePeer(const std::string& peer, const PeerState& state) {
  if (order_.size() >= kMaxPeers) {
    // A single pass would not have tracked this peer either: its resets were untracked.
    return;
  }
  index_.emplace(peer, order_.size());
  order_.push_back({peer, state});
}

uint64_t QuietGaps::total_gaps() const {
  uint64_t n = 0;
  for (const auto& [bin, count] : bins_) n += count;
  return n;
}

QuietGaps::Cluster QuietGaps::FindCluster(int64_t min_gap_ms) const {
  Cluster best;
  std::vector<std::pair<int, uint64_t>> bins;
  // Short gaps are never the cluster, but they count in the total: a peer that resets
  // again seconds after its last reset (a flood, retries) was not idle.
  for (const auto& [bin, count] : bins_) {
    best.total += count;
    if (BinLow(bin) >= min_gap_ms) bins.emplace_back(bin, count);
  }
  // Two pointers over the sorted bins: the window [i, j] whose span stays narrow.
  uint64_t in_window = 0;
  size_t i = 0;
  for (size_t j = 0; j < bins.size(); ++j) {
    in_window += bins[j].second;
    auto too_wide = [&] {
      int64_t low = BinLow(bins[i].first);
      int64_t high = BinHigh(bins[j].first);
      int64_t allowed =
          std::max<int64_t>(2 * kSecond, static_cast<int64_t>(low * kClusterRelativeWidth));
      return high - low > allowed;
    };
    while (i < j && too_wide()) in_window -= bins[i++].second;
    if (in_window > best.gaps) {
      best.gaps = in_window;
      best.low_ms = BinLow(bins[i].first);
      best.high_ms = BinHigh(bins[j].first);
      uint64_t half = (in_window + 1) / 2, seen = 0;
      for (size_t k = i; k <= j; ++k) {
        seen += bins[k].second;
        if (seen >= half) {
          best.typical_ms = BinLow(bins[k].first);
          break;
        }
      }
    }
  }
  return best;
}

}  // namespace sockfilter
