// LineMemo: a bounded memo from short lines to what was computed from them (Signer keeps
// the masked form of stack-trace lines here, which repeat verbatim from event to event).
//
// Direct-mapped: kSlots slots, each picked by a hash of the line and holding one line of
// at most kMaxLine bytes with its value; a line stored later takes the slot over. A line
// is found only when its bytes are equal to the stored ones (memcmp), never by the hash
// alone, so a collision costs a miss, not a wrong value. About 2 MiB of slot bytes, taken
// from the allocator uninitialized (only the 64 KiB of tags are written up front).
// Not thread-safe: one memo per thread.
//
//   LineMemo memo;
//   std::string_view value;
//   if (!memo.Find(line, &value)) memo.Store(line, value = Compute(line));
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace sockfilter {

class LineMemo {
 public:
  static constexpr int kSlotBits = 12;
  static constexpr size_t kSlots = size_t{1} << kSlotBits;
  static constexpr size_t kMaxLine = 256;
  static constexpr size_t kSlotBytes = 2 * kMaxLine;  // the line, then its value

  // True when `line` is stored; `*value` is then its value, valid until the next Store().
  bool Find(std::string_view line, std::string_view* value) const {
    if (line.empty() || line.size() > kMaxLine) return false;
    uint64_t key = KeyOf(line);
    const Tag& tag = tags_[SlotOf(key)];
    const char* bytes = bytes_.get() + SlotOf(key) * kSlotBytes;
    if (tag.key != key || tag.line_size != line.size() ||
        memcmp(bytes, line.data(), line.size()) != 0)
      return false;
    *value = std::string_view(bytes + tag.line_size, tag.value_size);
    return true;
  }

  // Keeps `value` for `line` when the line has 1 to kMaxLine bytes and both fit a slot;
  // otherwise keeps nothing.
  void Store(std::string_view line, std::string_view value) {
    if (line.empty() || line.size() > kMaxLine || line.size() + value.size() > kSlotBytes) return;
    uint64_t key = KeyOf(line);
    tags_[SlotOf(key)] =
        Tag{key, static_cast<uint16_t>(line.size()), static_cast<uint16_t>(value.size())};
    char* bytes = bytes_.get() + SlotOf(key) * kSlotBytes;
    memcpy(bytes, line.data(), line.size());
    memcpy(bytes + line.size(), value.data(), value.size());
  }

 private:
  struct Tag {
    uint64_t key = 0;
    uint16_t line_size = 0;  // 0: an empty slot (empty lines are never stored)
    uint16_t value_size = 0;
  };

  static size_t SlotOf(uint64_t key) { return key >> (64 - kSlotBits); }

  // Picks the slot and rejects most misses before the memcmp. It never leaves the process,
  // so native byte order is fine.
  static uint64_t KeyOf(std::string_view s) {
    uint64_t h = s.size() * 0x9e3779b97f4a7c15ULL;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) h = std::rotl((h ^ Load8(s.data() + i)) * kMul, 29);
    uint64_t tail = 0;
    if (i < s.size() && s.size() >= 8) {
      tail = Load8(s.data() + s.size() - 8);  // the last 8 bytes, overlapping the words read
    } else {
      for (; i < s.size(); ++i) tail = tail << 8 | static_cast<uint8_t>(s[i]);
    }
    h = (h ^ tail) * kMul;
    return h ^ (h >> 32);
  }

  static uint64_t Load8(const char* p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
  }

  static constexpr uint64_t kMul = 0xff51afd7ed558ccdULL;

  std::array<Tag, kSlots> tags_{};
  // Slot k's line and value start at k * kSlotBytes; read only where a tag says so.
  std::unique_ptr<char[]> bytes_ = std::make_unique_for_overwrite<char[]>(kSlots * kSlotBytes);
};

}  // namespace sockfilter
