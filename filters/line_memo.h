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
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "analyzer/line_hash.h"

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
    uint64_t key = LineHash(line);
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
    uint64_t key = LineHash(line);
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

  std::array<Tag, kSlots> tags_{};
  // Slot k's line and value start at k * kSlotBytes; read only where a tag says so.
  std::unique_ptr<char[]> bytes_ = std::make_unique_for_overwrite<char[]>(kSlots * kSlotBytes);
};

}  // namespace sockfilter
