// LiteralSieve: finds, case-insensitively, every occurrence of a set of literal strings
// ("atoms", at least kMinAtom bytes) in a text, fast enough to run over every event.
//
// Most log text contains none of the atoms, so the sieve is built for the miss: it looks at
// one 4-byte window every `stride` bytes (stride = shortest atom - 3), folds it to lower case
// and tests one bit of a 64 Kibit table. Every occurrence of an atom of length L covers at
// least one sampled window; for each alignment the build keeps only the rarest 4-gram of the
// atom (by a byte-frequency table of log text), so common words ("tion", " the") rarely
// reach the second step, an exact look-up that lists the atoms and offsets a window can
// belong to, each then compared byte by byte.
//
//   LiteralSieve sieve = LiteralSieve::Build({"connection reset", "broken pipe"});
//   sieve.Scan(text, [&](int atom, size_t begin) { ... });   // every occurrence, any case
//
// Atoms are ASCII lower case (as RE2's FilteredRE2 gives them). An occurrence is reported
// once; occurrences come in no particular order. The sieve is immutable after Build and may
// be shared between threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sockfilter {

class LiteralSieve {
 public:
  static constexpr size_t kGram = 4;
  static constexpr size_t kMinAtom = kGram;

  LiteralSieve() = default;
  // REQUIRES: every atom has at least kMinAtom bytes.
  static LiteralSieve Build(const std::vector<std::string>& atoms);

  template <typename OnHit>
  void Scan(std::string_view text, OnHit&& on_hit) const;

  // How common `text` is in log text, per byte (higher: more common), by the same
  // byte-frequency table that picks the sampled grams. Shorter texts count as more common.
  static double Commonness(std::string_view text);

  size_t stride() const { return stride_; }
  size_t atom_count() const { return atoms_.size(); }
  const std::string& atom(int index) const { return atoms_[index]; }

 private:
  struct Entry {
    uint32_t atom;
    uint32_t offset;  // of the gram in the atom
  };
  struct Slot {
    uint32_t key = 0;    // folded gram
    uint32_t first = 0;  // entries_[first, first + count)
    uint32_t count = 0;  // 0: empty slot
  };

  static uint32_t Fold(const char* p) {
    uint32_t key;
    std::memcpy(&key, p, sizeof key);
    return key | 0x20202020u;
  }
  static uint32_t Hash(uint32_t key) { return (key * 0x9E3779B1u) >> 16; }
  bool MayHold(uint32_t key) const {
    uint32_t h = Hash(key);
    return (bits_[h >> 6] >> (h & 63)) & 1;
  }
  const Slot* Find(uint32_t key) const;
  bool Verify(const Entry& entry, std::string_view text, size_t begin) const;

  std::vector<std::string> atoms_;
  size_t stride_ = 1;
  std::vector<uint64_t> bits_;  // 65536 bits, by Hash(folded gram)
  std::vector<Slot> slots_;     // open addressing, power-of-two size
  std::vector<Entry> entries_;
};

template <typename OnHit>
void LiteralSieve::Scan(std::string_view text, OnHit&& on_hit) const {
  if (atoms_.empty() || text.size() < kGram) return;
  const char* data = text.data();
  const size_t last = text.size() - kGram;
  for (size_t p = 0; p <= last; p += stride_) {
    uint32_t key = Fold(data + p);
    if (!MayHold(key)) continue;
    const Slot* slot = Find(key);
    if (slot == nullptr) continue;
    for (uint32_t i = slot->first; i < slot->first + slot->count; ++i) {
      const Entry& entry = entries_[i];
      if (entry.offset > p) continue;
      size_t begin = p - entry.offset;
      if (Verify(entry, text, begin)) on_hit(static_cast<int>(entry.atom), begin);
    }
  }
}

}  // namespace sockfilter
