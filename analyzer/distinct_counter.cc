#include "analyzer/distinct_counter.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sockfilter {

namespace {

uint64_t Mix(uint64_t x) {
  // splitmix64's finalizer: FNV alone leaves the high bits poorly mixed for short text,
  // and HyperLogLog takes its register index from the high bits.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

uint64_t HashText(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

void DistinctCounter::AddToRegisters(uint64_t hash) {
  size_t index = hash >> (64 - kPrecision);
  uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));
  uint8_t rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void DistinctCounter::Add(uint64_t hash) {
  AddToRegisters(hash);
  if (overflowed_) return;
  auto it = std::lower_bound(exact_.begin(), exact_.end(), hash);
  if (it != exact_.end() && *it == hash) return;
  if (exact_.size() == kExactCap) {
    overflowed_ = true;
    exact_.clear();
    exact_.shrink_to_fit();
    return;
  }
  exact_.insert(it, hash);
}

void DistinctCounter::Merge(const DistinctCounter& other) {
  for (size_t i = 0; i < kRegisters; ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  if (overflowed_) return;
  if (other.overflowed_) {
    overflowed_ = true;
    exact_.clear();
    return;
  }
  std::vector<uint64_t> merged;
  merged.reserve(exact_.size() + other.exact_.size());
  std::set_union(exact_.begin(), exact_.end(), other.exact_.begin(), other.exact_.end(),
                 std::back_inserter(merged));
  if (merged.size() > kExactCap) {
    overflowed_ = true;
    exact_.clear();
    return;
  }
  exact_ = std::move(merged);
}

uint64_t DistinctCounter::Count() const {
  if (!overflowed_) return exact_.size();
  // The standard HyperLogLog estimate with the small-range (linear counting) correction.
  double m = static_cast<double>(kRegisters);
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    if (r == 0) ++zeros;
  }
  double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
  return std::max<uint64_t>(kExactCap + 1, static_cast<uint64_t>(std::llround(estimate)));
}

std::string DistinctCounter::RegistersHex() const {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(kRegisters * 2);
  for (uint8_t r : registers_) {
    out.push_back(kHex[r >> 4]);
    out.push_back(kHex[r & 15]);
  }
  return out;
}

Result<DistinctCounter> DistinctCounter::FromHashes(const std::vector<uint64_t>& hashes) {
  if (hashes.size() > kExactCap) return Status::Error("more exact peer hashes than the cap");
  DistinctCounter counter;
  for (uint64_t h : hashes) counter.Add(h);
  return counter;
}

Result<DistinctCounter> DistinctCounter::FromRegistersHex(std::string_view hex) {
  if (hex.size() != kRegisters * 2) return Status::Error("HyperLogLog registers: wrong length");
  DistinctCounter counter;
  counter.overflowed_ = true;
  for (size_t i = 0; i < kRegisters; ++i) {
    int hi = HexDigit(hex[2 * i]);
    int lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::Error("HyperLogLog registers: not hexadecimal");
    counter.registers_[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return counter;
}

}  // namespace sockfilter
