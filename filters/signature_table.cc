#include "filters/signature_table.h"

#include <bit>

namespace sockfilter {

SignatureTable::SignatureTable(uint32_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  // At most half full, so probe runs stay short.
  size_t slots = std::bit_ceil(size_t{capacity_} * 2);
  slots_.assign(slots < 16 ? 16 : slots, kEmpty);
  mask_ = slots_.size() - 1;
  // Address space only: pages are touched as states are added, and the vector never
  // reallocates (no copy, no doubling past the capacity).
  states_.reserve(capacity_);
}

size_t SignatureTable::HomeSlot(uint64_t sig, int cause) const {
  uint64_t h =
      (sig ^ (static_cast<uint64_t>(cause + 1) * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
  return static_cast<size_t>(h >> 32) & mask_;
}

SignatureState* SignatureTable::Find(uint64_t sig, int cause) {
  for (size_t slot = HomeSlot(sig, cause);; slot = (slot + 1) & mask_) {
    uint32_t index = slots_[slot];
    if (index == kEmpty) return nullptr;
    SignatureState& s = states_[index];
    if (s.sig == sig && s.cause == cause) {
      Unlink(index);
      LinkNewest(index);
      return &s;
    }
  }
}

SignatureState* SignatureTable::Insert(uint64_t sig, int cause) {
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(states_.size());
    states_.emplace_back();
  }
  SignatureState& s = states_[index];
  s.sig = sig;
  s.cause = cause;
  s.live = true;
  size_t slot = HomeSlot(sig, cause);
  while (slots_[slot] != kEmpty) slot = (slot + 1) & mask_;
  slots_[slot] = index;
  LinkNewest(index);
  ++size_;
  return &s;
}

SignatureState* SignatureTable::Oldest() { return oldest_ == kEmpty ? nullptr : &states_[oldest_]; }

size_t SignatureTable::SlotOf(uint32_t index) const {
  const SignatureState& s = states_[index];
  size_t slot = HomeSlot(s.sig, s.cause);
  while (slots_[slot] != index) slot = (slot + 1) & mask_;
  return slot;
}

// Backward-shift deletion: later entries of the probe run move up into the hole, so no
// tombstones pile up under eviction churn.
void SignatureTable::Remove(SignatureState* state) {
  uint32_t index = IndexOf(state);
  size_t hole = SlotOf(index);
  for (size_t next = (hole + 1) & mask_; slots_[next] != kEmpty; next = (next + 1) & mask_) {
    const SignatureState& moved = states_[slots_[next]];
    size_t home = HomeSlot(moved.sig, moved.cause);
    // Move it if its home is not within (hole, next] cyclically.
    bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (stays) continue;
    slots_[hole] = slots_[next];
    hole = next;
  }
  slots_[hole] = kEmpty;
  Unlink(index);
  *state = SignatureState();
  free_.push_back(index);
  --size_;
}

void SignatureTable::Unlink(uint32_t index) {
  SignatureState& s = states_[index];
  if (s.newer != kEmpty) states_[s.newer].older = s.older;
  if (s.older != kEmpty) states_[s.older].newer = s.newer;
  if (newest_ == index) newest_ = s.older;
  if (oldest_ == index) oldest_ = s.newer;
  s.newer = s.older = kEmpty;
}

void SignatureTable::LinkNewest(uint32_t index) {
  SignatureState& s = states_[index];
  s.older = newest_;
  s.newer = kEmpty;
  if (newest_ != kEmpty) states_[newest_].newer = index;
  newest_ = index;
  if (oldest_ == kEmpty) oldest_ = index;
}

}  // namespace sockfilter
