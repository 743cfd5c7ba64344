// BodyMemo: a bounded memo from event bodies (the text after the first line's header) to a
// value computed from them: their signatures, the kinds of call their words name. A
// repeated stack trace repeats its body byte for byte (only the header with its time
// differs), and computing from a body reads every line of it; finding it costs a sampled
// key and one memcmp.
//
// Direct-mapped: kSlots slots picked by a key made of the body's length and 48 of its
// bytes (start, middle, end); a body stored later takes the slot over. A body is found
// only when it equals the stored copy (memcmp), never by the key alone, so a collision
// costs a miss, not a wrong signature. Bodies longer than kMaxBody are not kept.
// Not thread-safe: one memo per thread.
//
//   BodyMemo memo;
//   uint64_t sig;
//   if (!memo.Find(body, &sig)) memo.Store(body, sig = SignBody(body));
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sockfilter {

class BodyMemo {
 public:
  static constexpr int kSlotBits = 8;
  static constexpr size_t kSlots = size_t{1} << kSlotBits;
  static constexpr size_t kMaxBody = 16 << 10;

  // True when `body` is stored; `*value` is then what was stored with it.
  bool Find(std::string_view body, uint64_t* value) const {
    if (body.size() > kMaxBody) return false;
    uint64_t key = KeyOf(body);
    const Slot& slot = slots_[SlotOf(key)];
    if (slot.key != key || slot.body.size() != body.size() ||
        memcmp(slot.body.data(), body.data(), body.size()) != 0)
      return false;
    *value = slot.value;
    return true;
  }

  void Store(std::string_view body, uint64_t value) {
    if (body.size() > kMaxBody) return;
    uint64_t key = KeyOf(body);
    Slot& slot = slots_[SlotOf(key)];
    slot.key = key;
    slot.value = value;
    slot.body.assign(body);
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint64_t value = 0;
    std::string body;  // its capacity is kept from one body to the next
  };

  static size_t SlotOf(uint64_t key) { return key >> (64 - kSlotBits); }
  // Repeats of one trace and distinct traces of one length differ somewhere: in their
  // first or last bytes (the message, the innermost frame) most often, so those are
  // sampled; the memcmp settles the rest.
  static uint64_t KeyOf(std::string_view s) {
    uint64_t h = (s.size() + 1) * 0x9e3779b97f4a7c15ULL;
    if (s.size() < 16) {
      for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * kMul;
    } else {
      const size_t at[] = {0, 8, s.size() / 2 - 8, s.size() / 2, s.size() - 16, s.size() - 8};
      for (size_t i : at) h = std::rotl((h ^ Load8(s.data() + i)) * kMul, 29);
    }
    h *= kMul;
    return h ^ (h >> 32);
  }
  static uint64_t Load8(const char* p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
  }
  static constexpr uint64_t kMul = 0xff51afd7ed558ccdULL;

  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
};

}  // namespace sockfilter
