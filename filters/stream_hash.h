// StreamHash: the 64-bit hash behind signatures, fed in pieces of any size.
//
// Bytes are gathered into 64-byte blocks; each 8-byte word is read little-endian (so the
// result is the same on every machine) and mixed in with two multiplies and two rotations
// (in the manner of MurmurHash3), and the total length and MurmurHash3's fmix64 finish it.
// The value for given bytes never changes: signatures printed in markers are compared
// across runs, machines and versions. No seed, no allocation.
//
//   StreamHash h;
//   h.Append("java.io.IOException: ");
//   h.Append("Broken pipe");
//   uint64_t sig = h.Final();
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sockfilter {

class StreamHash {
 public:
  void Append(std::string_view s) {
    if (fill_ == 0) {
      for (; s.size() >= kBlock; s.remove_prefix(kBlock)) MixBlock(s.data());
    }
    while (!s.empty()) {
      size_t n = std::min(s.size(), kBlock - fill_);
      memcpy(buf_ + fill_, s.data(), n);
      fill_ += n;
      s.remove_prefix(n);
      if (fill_ == kBlock) {
        MixBlock(buf_);
        fill_ = 0;
      }
    }
  }

  uint64_t Final() {
    uint64_t total = length_ + fill_;
    memset(buf_ + fill_, 0, kBlock - fill_);
    for (size_t k = 0; k < fill_; k += 8) MixWord(Load(buf_ + k));
    uint64_t h = state_ ^ total;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }

 private:
  static constexpr size_t kBlock = 64;

  static uint64_t Load(const char* p) {
    uint64_t w;
    memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    return w;
  }

  void MixBlock(const char* p) {
    for (size_t k = 0; k < kBlock; k += 8) MixWord(Load(p + k));
    length_ += kBlock;
  }

  void MixWord(uint64_t w) {
    uint64_t k = w * 0x87c37b91114253d5ULL;
    k = std::rotl(k, 31) * 0x4cf5ad432745937fULL;
    state_ = std::rotl(state_ ^ k, 27) * 5 + 0x52dce729;
  }

  char buf_[kBlock];
  size_t fill_ = 0;
  uint64_t state_ = 0x9e3779b97f4a7c15ULL;
  uint64_t length_ = 0;
};

}  // namespace sockfilter
