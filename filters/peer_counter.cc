#include "filters/peer_counter.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace sockfilter {

namespace {

uint32_t HashAddress(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return static_cast<uint32_t>(h ^ (h >> 32));
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view PeerCounter::Address(std::string_view peer) {
  if (!peer.empty() && peer.front() == '[') {
    size_t close = peer.find(']');
    if (close != std::string_view::npos) return peer.substr(1, close - 1);
  }
  size_t colon = peer.find(':');
  if (colon != std::string_view::npos && peer.find(':', colon + 1) == std::string_view::npos &&
      AllDigits(peer.substr(colon + 1))) {
    return peer.substr(0, colon);
  }
  return peer;
}

void PeerCounter::Add(std::string_view peer) {
  if (peer.empty()) return;
  AddHash(HashAddress(Address(peer)));
}

void PeerCounter::AddHash(uint32_t hash) {
  if (!sketch_) {
    for (int i = 0; i < exact_count_; ++i) {
      uint32_t seen;
      memcpy(&seen, bytes_ + 4 * i, 4);
      if (seen == hash) return;
    }
    if (exact_count_ < kExact) {
      memcpy(bytes_ + 4 * exact_count_++, &hash, 4);
      return;
    }
    ToSketch();
  }
  uint64_t x = SplitMix64(hash);
  int index = static_cast<int>(x & (kRegisters - 1));
  uint64_t rest = x >> 6;  // 58 bits
  uint8_t rank = static_cast<uint8_t>(std::min(59, std::countl_zero(rest << 6) + 1));
  bytes_[index] = std::max(bytes_[index], rank);
}

// The exact hashes are replayed into the registers that take their place.
void PeerCounter::ToSketch() {
  uint32_t hashes[kExact];
  memcpy(hashes, bytes_, sizeof hashes);
  memset(bytes_, 0, sizeof bytes_);
  sketch_ = true;
  for (uint32_t h : hashes) AddHash(h);
}

uint64_t PeerCounter::Count() const {
  if (!sketch_) return exact_count_;
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : bytes_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double m = kRegisters;
  double estimate = 0.709 * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);
  return std::max<uint64_t>(kExact + 1, static_cast<uint64_t>(std::llround(estimate)));
}

}  // namespace sockfilter
