#include "analyzer/burst_seconds.h"

#include <algorithm>

namespace sockfilter {

BurstSeconds::Second* BurstSeconds::At(TimeMs time) {
  if (time == kNoTime) return nullptr;
  int64_t second = time >= 0 ? time / 1000 : (time - 999) / 1000;
  auto it = seconds_.find(second);
  if (it != seconds_.end()) return &it->second;
  if (seconds_.size() >= max_seconds_) {
    // The earliest kept second only ever moves later, so a second before it was either
    // dropped already or never among the latest: its event is dropped too.
    if (second < seconds_.begin()->first) {
      ++dropped_;
      return nullptr;
    }
    Second* s = &seconds_[second];
    KeepLatest();
    return s;
  }
  return &seconds_[second];
}

void BurstSeconds::KeepLatest() {
  while (seconds_.size() > max_seconds_) {
    const Second& earliest = seconds_.begin()->second;
    dropped_ += earliest.resets + earliest.fd_errors;
    seconds_.erase(seconds_.begin());
  }
}

void BurstSeconds::AddPeer(Second* s, uint64_t hash) {
  auto it = std::lower_bound(s->peer_hashes.begin(), s->peer_hashes.end(), hash);
  if (it != s->peer_hashes.end() && *it == hash) return;
  s->peer_hashes.insert(it, hash);
  // Keep the smallest hashes: the kept set is then the same whatever the order of arrival,
  // which a merge needs, and its size is min(kPeerCap, distinct peers).
  if (s->peer_hashes.size() > kPeerCap) s->peer_hashes.pop_back();
}

void BurstSeconds::AddReset(TimeMs time, uint64_t peer_hash, bool has_peer) {
  Second* s = At(time);
  if (s == nullptr) return;
  ++s->resets;
  if (has_peer) AddPeer(s, peer_hash);
}

void BurstSeconds::AddFdError(TimeMs time) {
  Second* s = At(time);
  if (s != nullptr) ++s->fd_errors;
}

void BurstSeconds::Merge(const BurstSeconds& other) {
  dropped_ += other.dropped_;
  for (const auto& [second, theirs] : other.seconds_) {
    auto it = seconds_.find(second);
    if (it == seconds_.end()) {
      seconds_.emplace(second, theirs);
      continue;
    }
    it->second.resets += theirs.resets;
    it->second.fd_errors += theirs.fd_errors;
    for (uint64_t h : theirs.peer_hashes) AddPeer(&it->second, h);
  }
  // A second among the latest of both parts together is among the latest of each part
  // that saw it, so its counts are whole here.
  KeepLatest();
}

}  // namespace sockfilter
