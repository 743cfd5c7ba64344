#include "analyzer/quiet_gaps.h"

#include <algorithm>

#include "analyzer/distinct_counter.h"

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

// later - earlier (later >= earlier), or INT64_MAX when that does not fit (times read
// from a summary file may lie anywhere): the overflow bin either way.
int64_t Elapsed(TimeMs earlier, TimeMs later) {
  int64_t gap;
  return __builtin_sub_overflow(later, earlier, &gap) ? INT64_MAX : gap;
}

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

QuietGaps::QuietGaps(const QuietGaps& other)
    : max_peers_(other.max_peers_),
      bins_(other.bins_),
      peers_(other.peers_),
      untracked_(other.untracked_) {
  RebuildRanks();  // the ranks view the keys of this table, not the other's
}

QuietGaps& QuietGaps::operator=(const QuietGaps& other) {
  if (this != &other) *this = QuietGaps(other);
  return *this;
}

size_t QuietGaps::KeyHash::operator()(const std::string& s) const { return HashText(s); }

void QuietGaps::RebuildRanks() {
  std::vector<Key> ranks;
  ranks.reserve(peers_.size());
  for (const auto& [peer, tracked] : peers_) ranks.push_back({peer, tracked.hash});
  ranks_ = std::priority_queue<Key>(std::less<Key>(), std::move(ranks));
}

void QuietGaps::Observe(std::string_view peer, TimeMs time, bool reset) {
  if (peer.empty() || time == kNoTime) return;  // before hashing: most events have no peer
  Observe(peer, HashText(peer), time, reset);
}

void QuietGaps::Observe(std::string_view peer, uint64_t peer_hash, TimeMs time, bool reset) {
  if (peer.empty() || time == kNoTime) return;
  auto it = peers_.find(Key{peer, peer_hash});
  if (it == peers_.end()) {
    PeerState state;
    state.first = state.last = time;
    state.first_is_reset = reset;
    state.resets = reset ? 1 : 0;
    Admit(peer, peer_hash, std::move(state));
    return;
  }
  PeerState& state = it->second.state;
  if (reset) {
    ++state.resets;
    if (time >= state.last) AddGap(&state, Elapsed(state.last, time));
  }
  state.last = time;
}

void QuietGaps::Admit(std::string_view peer, uint64_t hash, PeerState state) {
  if (max_peers_ == 0 || (peers_.size() >= max_peers_ && !(Key{peer, hash} < ranks_.top()))) {
    Drop(state);
    return;
  }
  if (peers_.size() >= max_peers_) {
    auto evicted = peers_.find(ranks_.top());
    ranks_.pop();
    Drop(evicted->second.state);
    peers_.erase(evicted);
  }
  auto [it, added] = peers_.emplace(std::string(peer), Tracked{hash, std::move(state)});
  ranks_.push({it->first, hash});
}

void QuietGaps::Drop(const PeerState& state) {
  untracked_ += state.resets;
  for (const auto& [bin, count] : state.gaps) {
    auto it = bins_.find(bin);
    if (it == bins_.end()) continue;  // a summary file that did not add up
    if (it->second <= count) {
      bins_.erase(it);
    } else {
      it->second -= count;
    }
  }
}

void QuietGaps::AddGap(PeerState* state, int64_t gap_ms) {
  const int bin = BinOf(gap_ms);
  ++bins_[bin];
  auto at = std::lower_bound(state->gaps.begin(), state->gaps.end(), bin,
                             [](const std::pair<int, uint64_t>& g, int b) { return g.first < b; });
  if (at != state->gaps.end() && at->first == bin) {
    ++at->second;
  } else {
    state->gaps.insert(at, {bin, 1});
  }
}

// Adds gaps that the histogram counts already (they came with a merged or restored part).
void QuietGaps::AddGaps(PeerState* state, const std::vector<std::pair<int, uint64_t>>& gaps) {
  std::vector<std::pair<int, uint64_t>> sum;
  sum.reserve(state->gaps.size() + gaps.size());
  auto a = state->gaps.cbegin();
  auto b = gaps.cbegin();
  while (a != state->gaps.cend() || b != gaps.cend()) {
    if (b == gaps.cend() || (a != state->gaps.cend() && a->first < b->first)) {
      sum.push_back(*a++);
    } else if (a == state->gaps.cend() || b->first < a->first) {
      sum.push_back(*b++);
    } else {
      sum.emplace_back(a->first, a->second + b->second);
      ++a, ++b;
    }
  }
  state->gaps = std::move(sum);
}

void QuietGaps::Absorb(std::string_view peer, uint64_t hash, const PeerState& theirs) {
  auto it = peers_.find(Key{peer, hash});
  if (it == peers_.end()) {
    Admit(peer, hash, theirs);
    return;
  }
  PeerState& mine = it->second.state;
  AddGaps(&mine, theirs.gaps);
  // The gap that spans the two parts: what a single pass would have seen at the other
  // part's first activity for this peer.
  if (theirs.first_is_reset && theirs.first >= mine.last)
    AddGap(&mine, Elapsed(mine.last, theirs.first));
  mine.resets += theirs.resets;
  mine.last = theirs.last;
}

void QuietGaps::Merge(const QuietGaps& other) {
  for (const auto& [bin, count] : other.bins_) bins_[bin] += count;
  untracked_ += other.untracked_;
  for (const auto& [peer, theirs] : other.peers_) Absorb(peer, theirs.hash, theirs.state);
}

void QuietGaps::RestorePeer(std::string_view peer, PeerState state) {
  if (peer.empty()) return;
  // A file's bins in any order, a bin even twice: by bin, once each.
  std::sort(state.gaps.begin(), state.gaps.end());
  std::vector<std::pair<int, uint64_t>> gaps;
  for (const auto& [bin, count] : state.gaps) {
    if (!gaps.empty() && gaps.back().first == bin) {
      gaps.back().second += count;
    } else {
      gaps.emplace_back(bin, count);
    }
  }
  state.gaps = std::move(gaps);
  Absorb(peer, HashText(peer), state);
}

std::vector<std::pair<std::string_view, const QuietGaps::PeerState*>> QuietGaps::SortedPeers()
    const {
  std::vector<std::pair<Key, const PeerState*>> ranked;
  ranked.reserve(peers_.size());
  for (const auto& [peer, tracked] : peers_)
    ranked.push_back({Key{peer, tracked.hash}, &tracked.state});
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string_view, const PeerState*>> sorted;
  sorted.reserve(ranked.size());
  for (const auto& [key, state] : ranked) sorted.emplace_back(key.peer, state);
  return sorted;
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
