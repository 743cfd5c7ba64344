// SignatureTable: the live signatures of the dedupe filter, at most `capacity` of them,
// with the least recently seen one at hand for eviction.
//
// States live in one vector (index-linked LRU list, slots reused after Remove) and are
// found through an open-addressing index of 32-bit slots, so a signature costs about 64
// bytes plus what its SuppressedRun holds while repeats are being counted. Pointers to
// states stay valid until the next Insert (the vector may grow); keep indices instead.
//
//   SignatureTable table(100000);
//   SignatureState* s = table.Find(sig, cause);       // also marks it most recently seen
//   if (s == nullptr) {
//     if (table.full()) table.Remove(table.Oldest());  // after writing its marker
//     s = table.Insert(sig, cause);
//   }
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "analyzer/event.h"
#include "filters/marker.h"
#include "filters/peer_counter.h"

namespace sockfilter {

// The events of one signature suppressed since its last marker.
struct SuppressedRun {
  uint64_t repeats = 0;
  uint64_t lines = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  TimeMs due = kNoTime;  // when its marker is written (window end or marker interval)
  uint64_t order = 0;    // input order of the first suppressed event
  PeerCounter peers;
  bool sample_cut = false;
  uint8_t sample_size = 0;
  // The first line of the first suppressed event, cut; inline, so that a run is one
  // allocation (100000 of them must fit the memory budget).
  char sample[kMaxSampleBytes];

  std::string_view sample_text() const { return {sample, sample_size}; }
  void set_sample(std::string_view text) {
    sample_size = static_cast<uint8_t>(text.size());
    memcpy(sample, text.data(), text.size());
  }
  bool json = false;  // the suppressed events are JSON lines
};

struct SignatureState {
  uint64_t sig = 0;
  int cause = -1;
  TimeMs window_start = kNoTime;
  uint32_t kept = 0;                   // events passed whole in the current window
  uint32_t generation = 0;             // changes whenever `run` is written out or dropped
  std::unique_ptr<SuppressedRun> run;  // null: nothing suppressed since the last marker

 private:
  friend class SignatureTable;
  uint32_t newer = 0;  // LRU links (indices)
  uint32_t older = 0;
  bool live = false;
};

class SignatureTable {
 public:
  explicit SignatureTable(uint32_t capacity);

  SignatureState* Find(uint64_t sig, int cause);
  // REQUIRES: (sig, cause) absent and !full().
  SignatureState* Insert(uint64_t sig, int cause);
  // The least recently seen state; nullptr when empty.
  SignatureState* Oldest();
  void Remove(SignatureState* state);

  bool full() const { return size_ >= capacity_; }
  size_t size() const { return size_; }
  uint32_t IndexOf(const SignatureState* state) const {
    return static_cast<uint32_t>(state - states_.data());
  }
  // The live state at `index`, or nullptr.
  SignatureState* At(uint32_t index) {
    return index < states_.size() && states_[index].live ? &states_[index] : nullptr;
  }
  template <class F>
  void ForEach(F f) {
    for (SignatureState& s : states_) {
      if (s.live) f(s);
    }
  }

 private:
  static constexpr uint32_t kEmpty = ~uint32_t{0};

  size_t HomeSlot(uint64_t sig, int cause) const;
  size_t SlotOf(uint32_t index) const;
  void Unlink(uint32_t index);
  void LinkNewest(uint32_t index);

  uint32_t capacity_;
  size_t size_ = 0;
  std::vector<SignatureState> states_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> slots_;  // index into states_, or kEmpty
  size_t mask_;
  uint32_t newest_ = kEmpty;
  uint32_t oldest_ = kEmpty;
};

}  // namespace sockfilter
