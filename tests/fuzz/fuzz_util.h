// Helpers shared by the libFuzzer targets in tests/fuzz/.
//
// Each target checks invariants, not just "no crash": FUZZ_CHECK prints the broken
// condition and aborts, which libFuzzer reports as a crash and saves the input.
// FuzzInput takes parameters (chunk sizes, limits, modes) from the front of the input and
// leaves the rest as the data under test, so one input fixes every choice and replays
// exactly. MemorySource is a ByteSource over bytes that hands them out in chunks of a
// chosen size, so every buffer boundary gets hit.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     sockfilter::fuzz::FuzzInput in(data, size);
//     size_t chunk = in.TakeInRange(1, 64);
//     std::string_view rest = in.Rest();
//     ...
//     FUZZ_CHECK(joined == rest);
//     return 0;
//   }
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "analyzer/byte_source.h"

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace sockfilter::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}

  // One byte (0 when the input is used up).
  uint8_t TakeByte() { return pos_ < size_ ? static_cast<uint8_t>(data_[pos_++]) : 0; }
  // A value in [lo, hi] from one or two bytes.
  size_t TakeInRange(size_t lo, size_t hi) {
    size_t raw = TakeByte();
    if (hi - lo > 255) raw = raw << 8 | TakeByte();
    return lo + raw % (hi - lo + 1);
  }
  bool TakeBool() { return TakeByte() & 1; }
  // The bytes not taken yet.
  std::string_view Rest() const { return std::string_view(data_ + pos_, size_ - pos_); }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

class MemorySource : public ByteSource {
 public:
  MemorySource(std::string_view data, size_t chunk)
      : data_(data), chunk_(std::max<size_t>(1, chunk)) {}

  Result<size_t> Read(char* out, size_t size) override {
    size_t n = std::min({size, chunk_, data_.size() - pos_});
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  bool WaitReadable(int) override { return true; }
  const std::string& name() const override { return name_; }
  bool live() const override { return false; }

 private:
  std::string_view data_;
  size_t chunk_;
  size_t pos_ = 0;
  std::string name_ = "fuzz-input";
};

}  // namespace sockfilter::fuzz
