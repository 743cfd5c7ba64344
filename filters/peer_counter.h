// PeerCounter: how many distinct peer addresses a run of suppressed events came from, in
// a fixed 64 bytes.
//
// Exact up to 16 distinct addresses (their 32-bit hashes are kept); beyond that the same
// 64 bytes become a HyperLogLog sketch of 64 registers (about 13% standard error), so a
// flood from a million clients costs no more memory than one from two. The port of an
// address is ignored ("10.0.0.7:41234" and "10.0.0.7:50122" are one peer): clients
// reconnect from new ephemeral ports.
//
//   PeerCounter peers;
//   peers.Add("10.0.0.7:41234");
//   uint64_t n = peers.Count();
#pragma once

#include <cstdint>
#include <string_view>

namespace sockfilter {

class PeerCounter {
 public:
  void Add(std::string_view peer);
  uint64_t Count() const;

  // The address without its port: "10.0.0.7:80" -> "10.0.0.7", "[::1]:80" -> "::1".
  static std::string_view Address(std::string_view peer);

 private:
  static constexpr int kExact = 16;
  static constexpr int kRegisters = 64;

  void AddHash(uint32_t hash);
  void ToSketch();

  // Exact mode: exact_count_ hashes of 4 bytes each; sketch mode: one register per byte.
  uint8_t bytes_[kRegisters] = {};
  uint8_t exact_count_ = 0;
  bool sketch_ = false;
};

}  // namespace sockfilter
