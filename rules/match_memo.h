// MatchMemo: remembers the latest yes/no answers of costly tests on whole lines (a regex
// run), by the exact bytes of the line, so that a line seen again costs a hash and a compare.
//
//   uint64_t test = MatchMemo::NewTestId();            // once, when the test is built
//   bool yes = memo.Answer(test, line, [&](std::string_view text) { return Run(text); });
//
// Log lines repeat exactly and often (one exception line thousands of times), each time
// where a regex would scan it whole. The memo is a small direct-mapped table: a slot holds
// one test id, one copy of a line (up to kMaxLine bytes; longer lines are never
// remembered) and the answer. An answer is only taken back for the same test id and the
// same bytes, so the memo changes no answer, only what it costs.
//
// Test ids are unique in the process and never reused, so a memo may outlive the tests it
// remembers. A MatchMemo is not thread-safe: give each thread its own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/line_hash.h"

namespace sockfilter {

class MatchMemo {
 public:
  static constexpr size_t kSlots = 256;
  static constexpr size_t kMaxLine = 512;

  // A fresh id for a test; thread-safe.
  static uint64_t NewTestId();

  // `test(text)`, or the answer remembered for this test and exactly these bytes.
  // REQUIRES: test_id came from NewTestId(), and `test` always gives the same answer for
  // the same text.
  template <typename Test>
  bool Answer(uint64_t test_id, std::string_view text, Test&& test);

 private:
  struct Slot {
    uint64_t test_id = 0;  // 0: empty
    uint64_t hash = 0;
    std::string text;
    bool answer = false;
  };

  Slot& SlotFor(uint64_t test_id, uint64_t hash) {
    uint64_t mixed = (hash ^ test_id) * 0x9E3779B97F4A7C15ull;
    return slots_[mixed >> (64 - 8)];
  }
  static_assert(kSlots == 256, "SlotFor takes the top 8 bits of the mixed hash");

  std::array<Slot, kSlots> slots_;
};

template <typename Test>
bool MatchMemo::Answer(uint64_t test_id, std::string_view text, Test&& test) {
  if (text.size() > kMaxLine) return test(text);
  uint64_t hash = LineHash(text);
  Slot& slot = SlotFor(test_id, hash);
  if (slot.test_id == test_id && slot.hash == hash && slot.text == text) return slot.answer;
  bool answer = test(text);
  slot.test_id = test_id;
  slot.hash = hash;
  slot.text.assign(text.data(), text.size());
  slot.answer = answer;
  return answer;
}

}  // namespace sockfilter
