// LiteralSieve: finds, case-insensitively, every occurrence of a set of literal strings
// ("atoms", at least kMinAtom bytes) in a text, fast enough to run over every event.
//
// Most log text contains none of the atoms, so the sieve is built for the miss: it looks at
// one 4-byte window every `stride` bytes (stride = shortest atom - 3), folds it to lower case
// and tests one bit of a 128 Kibit table (16 KiB, so it stays in L1). Every occurrence of an
// atom of length L covers at least one sampled window; for each alignment the build keeps
// only the rarest 4-gram of the atom (by a byte-frequency table of log text and a list of
// common log words), so ordinary text rarely reaches the second step: an exact look-up that
// lists the atoms and offsets a window can belong to, each tested first on 8 bytes of the
// atom beyond the gram at once, and only then compared whole.
//
//   LiteralSieve sieve = LiteralSieve::Build({"connection reset", "broken pipe"});
//   sieve.Scan(text, [&](int atom, size_t begin) { ... });   // every occurrence, any case
//
// Atoms are meant to be ASCII lower case (as RE2's FilteredRE2 gives them); upper-case
// letters in an atom match either case too. Only ASCII letters fold; every other byte
// matches itself. An occurrence is reported once; occurrences come in no particular order.
// The sieve is immutable after Build and may be shared between threads.
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
  static constexpr size_t kWord = 8;

  // One (atom, gram offset) a sampled window may belong to, with 8 bytes of the atom to
  // test first: `(text word | mask) == want` is the case-insensitive compare of 8 bytes.
  struct Entry {
    uint64_t want;
    uint64_t mask;
    uint32_t atom;
    uint32_t size;    // of the atom
    uint32_t offset;  // of the gram in the atom
    uint32_t window;  // of the 8 tested bytes in the atom; unused when size < kWord
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
  static uint64_t Load(const char* p) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
  }
  static uint32_t Hash(uint32_t key) { return (key * 0x9E3779B1u) >> 15; }
  const Slot* Find(uint32_t key) const;
  // REQUIRES: the atom's `size` bytes at `p` are readable.
  bool Verify(uint32_t atom, const char* p) const;
  template <typename OnHit>
  void Probe(std::string_view text, size_t p, OnHit& on_hit) const;

  std::vector<std::string> atoms_;
  std::vector<std::string> lower_;  // atoms_ in lower case
  std::vector<std::string> masks_;  // per byte of lower_: 0x20 for a letter, else 0
  size_t stride_ = 1;
  std::vector<uint64_t> bits_;  // 131072 bits, by Hash(folded gram)
  std::vector<Slot> slots_;     // open addressing, power-of-two size
  std::vector<Entry> entries_;
};

template <typename OnHit>
void LiteralSieve::Scan(std::string_view text, OnHit&& on_hit) const {
  if (slots_.empty() || text.size() < kGram) return;
  // Locals, so that the loop keeps them in registers whatever `on_hit` may write.
  const char* data = text.data();
  const uint64_t* bits = bits_.data();
  const size_t stride = stride_;
  const size_t last = text.size() - kGram;
  auto may_hold = [bits](uint32_t key) {
    uint32_t h = Hash(key);
    return (bits[h >> 6] >> (h & 63)) & 1;
  };
  size_t p = 0;
  for (; p + stride <= last; p += 2 * stride) {
    if (__builtin_expect(may_hold(Fold(data + p)), 0)) Probe(text, p, on_hit);
    if (__builtin_expect(may_hold(Fold(data + p + stride)), 0)) Probe(text, p + stride, on_hit);
  }
  if (p <= last && may_hold(Fold(data + p))) Probe(text, p, on_hit);
}

template <typename OnHit>
void LiteralSieve::Probe(std::string_view text, size_t p, OnHit& on_hit) const {
  const Slot* slot = Find(Fold(text.data() + p));
  if (slot == nullptr) return;
  const Entry* end = entries_.data() + slot->first + slot->count;
  for (const Entry* e = entries_.data() + slot->first; e != end; ++e) {
    if (e->offset > p) continue;
    size_t begin = p - e->offset;
    if (e->size > text.size() - begin) continue;
    const char* at = text.data() + begin;
    if (e->size >= kWord && (Load(at + e->window) | e->mask) != e->want) continue;
    if (Verify(e->atom, at)) on_hit(static_cast<int>(e->atom), begin);
  }
}

}  // namespace sockfilter
