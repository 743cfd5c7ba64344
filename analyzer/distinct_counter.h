// DistinctCounter: how many different values (peers) were seen, exact while few, then a
// HyperLogLog estimate; mergeable either way.
//
// Values are added as 64-bit hashes. The counter keeps the hashes exactly up to `kExactCap`
// and, always, the 2^12 HyperLogLog registers of every hash added. Because registers merge
// by maximum, counting A then B, or A and B apart and merging, gives the same registers;
// and the exact set overflows in both cases exactly when |A u B| > kExactCap. So
// Count() of a merge equals Count() of the concatenation, exact or estimated.
//
//   DistinctCounter peers;
//   peers.Add(HashText("10.0.0.7"));
//   other.Merge(peers);
//   uint64_t n = peers.Count();    // exact() says whether it is an estimate
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/status.h"

namespace sockfilter {

// A stable 64-bit hash of text (FNV-1a then a 64-bit finalizer), the same on every
// machine, so hashes written into a summary on one host merge with another's.
uint64_t HashText(std::string_view text);

class DistinctCounter {
 public:
  static constexpr size_t kExactCap = 4096;
  static constexpr int kPrecision = 12;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;

  void Add(uint64_t hash);
  void Merge(const DistinctCounter& other);

  uint64_t Count() const;
  bool exact() const { return !overflowed_; }
  bool empty() const { return !overflowed_ && exact_.empty(); }

  // Serialized form: the sorted exact hashes while exact, else the registers.
  const std::vector<uint64_t>& exact_hashes() const { return exact_; }
  std::string RegistersHex() const;
  static Result<DistinctCounter> FromHashes(const std::vector<uint64_t>& hashes);
  static Result<DistinctCounter> FromRegistersHex(std::string_view hex);

 private:
  void AddToRegisters(uint64_t hash);

  std::vector<uint64_t> exact_;  // sorted, unique; cleared once overflowed_
  std::array<uint8_t, kRegisters> registers_{};
  bool overflowed_ = false;
};

}  // namespace sockfilter
