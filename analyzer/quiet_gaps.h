// QuietGaps: per peer, how long it was quiet before each reset — the signal that tells an
// idle timeout (gaps that cluster near one value) from resets with no pattern.
//
// Every timed event that names a peer is activity for that peer; a reset-like event
// (connection reset, broken pipe, connection aborted) records the gap since the peer's
// previous activity in a histogram with fixed bins (1 s wide up to 10 min, 5 s up to 1 h,
// 1 min up to 1 day). Gaps are taken in stream order.
//
// Mergeable: each tracked peer keeps its first activity (and whether it was a reset), its
// last activity, its resets and its own gaps, so merge(A, B) adds the gap that spans the
// two parts, and equals counting A then B in one pass.
//
// At most `max_peers` peers are tracked: those with the smallest HashText (then the
// smallest text), a choice that does not depend on the order of arrival. A peer is
// tracked from its first activity or never: the largest tracked hash only decreases, so a
// peer turned away, or evicted for a smaller one, could never return to the set. The
// tracked set is therefore the `max_peers` smallest of all peers seen, whatever the split
// into merged parts, and each tracked peer's gaps are whole. An evicted peer takes its
// gaps out of the histogram, and `untracked()` counts the resets of every peer not
// tracked. The histogram is a uniform sample of the peers, not of the first to arrive.
//
//   QuietGaps gaps;
//   gaps.Observe("10.0.0.7", t, /*reset=*/true);
//   QuietGaps::Cluster c = gaps.FindCluster();   // c.fraction near 1: an idle timeout
#pragma once

#include <cstdint>
#include <map>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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
    uint64_t resets = 0;                         // its reset-like events
    std::vector<std::pair<int, uint64_t>> gaps;  // its gaps: (bin, count), by bin
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

  explicit QuietGaps(size_t max_peers = kMaxPeers) : max_peers_(max_peers) {}
  QuietGaps(const QuietGaps& other);
  QuietGaps& operator=(const QuietGaps& other);
  QuietGaps(QuietGaps&&) noexcept = default;
  QuietGaps& operator=(QuietGaps&&) noexcept = default;

  void Observe(std::string_view peer, TimeMs time, bool reset);
  // The same, with the peer's HashText (callers that have it already).
  void Observe(std::string_view peer, uint64_t peer_hash, TimeMs time, bool reset);
  void Merge(const QuietGaps& other);

  // The cluster lies at or above `min_gap_ms`; shorter gaps (a peer's resets in quick
  // succession) still count in `total`, since they show the peer was not idle.
  Cluster FindCluster(int64_t min_gap_ms = 5000) const;
  uint64_t total_gaps() const;
  uint64_t untracked() const { return untracked_; }
  size_t tracked() const { return peers_.size(); }

  // Bin index <-> lower edge in ms (the serialized histogram is keyed by lower edge).
  static int BinOf(int64_t gap_ms);
  static int64_t BinLow(int bin);
  static int64_t BinHigh(int bin);  // exclusive

  const std::map<int, uint64_t>& bins() const { return bins_; }
  // The tracked peers, by hash then text (the order of the serialized table).
  std::vector<std::pair<std::string_view, const PeerState*>> SortedPeers() const;

  // Restores serialized state (summary files): the histogram first, then the peers (a
  // peer past the cap is turned away as in a merge, taking its gaps out of the histogram
  // and adding its resets to the untracked ones).
  void RestoreBin(int bin, uint64_t count) { bins_[bin] += count; }
  void RestorePeer(std::string_view peer, PeerState state);
  void AddUntracked(uint64_t n) { untracked_ += n; }

 private:
  // A peer with its HashText: how the table looks peers up, and how it ranks them for
  // tracking (the smaller, the more it is kept).
  struct Key {
    std::string_view peer;  // of a tracked peer: its key in peers_
    uint64_t hash;
    bool operator<(const Key& o) const { return hash != o.hash ? hash < o.hash : peer < o.peer; }
  };
  struct Tracked {
    uint64_t hash;
    PeerState state;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const Key& k) const { return k.hash; }
    size_t operator()(const std::string& s) const;
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(const std::string& a, const std::string& b) const { return a == b; }
    bool operator()(const Key& a, const std::string& b) const { return a.peer == b; }
    bool operator()(const std::string& a, const Key& b) const { return a == b.peer; }
  };

  // Adds the state of a peer seen elsewhere (later in the stream): merged with the
  // tracked peer, or admitted, or turned away.
  void Absorb(std::string_view peer, uint64_t hash, const PeerState& theirs);
  // Tracks a new peer if it ranks among the kept (evicting the last of them when the table
  // is full); otherwise drops it.
  void Admit(std::string_view peer, uint64_t hash, PeerState state);
  // A peer leaves (or never enters) the table: its gaps leave the histogram, its resets
  // count as untracked.
  void Drop(const PeerState& state);
  void AddGap(PeerState* state, int64_t gap_ms);
  void AddGaps(PeerState* state, const std::vector<std::pair<int, uint64_t>>& gaps);
  void RebuildRanks();

  size_t max_peers_;
  std::map<int, uint64_t> bins_;  // bin -> gaps of the tracked peers
  std::unordered_map<std::string, Tracked, KeyHash, KeyEqual> peers_;
  std::priority_queue<Key> ranks_;  // of the tracked peers; the top one goes first
  uint64_t untracked_ = 0;
};

}  // namespace sockfilter
