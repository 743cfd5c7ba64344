// BurstSeconds: per second, how many resets arrived and from how many distinct peers, and
// how many "too many open files" errors — the raw material of the overload inference
// (resets from many peers at once, with descriptor exhaustion nearby).
//
// Only seconds that saw such an event are stored. Distinct peers per second are counted
// exactly up to kPeerCap (more than that is reported as kPeerCap), which is all the
// inference asks ("at least N peers at once"); merging unions the per-second peer sets,
// so merge(A, B) reports what A + B in one pass reports. At most kMaxSeconds seconds are
// kept (a continuous flood of more than a week): the latest ones, whatever the order the
// events came in, and the events of earlier seconds are counted in `dropped`. Both are
// the same for any order of the events and any split of them into merged parts.
//
//   BurstSeconds bursts;
//   bursts.AddReset(t, HashText(peer));
//   for (const auto& [second, s] : bursts.seconds()) if (s.peers() >= 5) ...
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "analyzer/event.h"

namespace sockfilter {

class BurstSeconds {
 public:
  static constexpr size_t kPeerCap = 16;
  static constexpr size_t kMaxSeconds = 700000;

  struct Second {
    uint32_t resets = 0;
    uint32_t fd_errors = 0;
    std::vector<uint64_t> peer_hashes;  // sorted, at most kPeerCap
    size_t peers() const { return peer_hashes.size(); }
  };

  // `max_seconds`: the cap (smaller in tests, which then need fewer events to reach it).
  explicit BurstSeconds(size_t max_seconds = kMaxSeconds) : max_seconds_(max_seconds) {}

  void AddReset(TimeMs time, uint64_t peer_hash, bool has_peer);
  void AddFdError(TimeMs time);
  void Merge(const BurstSeconds& other);

  const std::map<int64_t, Second>& seconds() const { return seconds_; }
  uint64_t dropped() const { return dropped_; }
  void set_dropped(uint64_t n) { dropped_ = n; }
  // Restores one serialized second.
  void Restore(int64_t second, Second s) { seconds_[second] = std::move(s); }

 private:
  Second* At(TimeMs time);
  // Drops the earliest seconds, their events counted in dropped_, down to the cap.
  void KeepLatest();
  static void AddPeer(Second* s, uint64_t hash);

  std::map<int64_t, Second> seconds_;  // second since the epoch -> counts
  uint64_t dropped_ = 0;
  size_t max_seconds_;
};

}  // namespace sockfilter
