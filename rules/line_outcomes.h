// LineOutcomes: the classifier's memo of what RE2 found on a line, by the line's exact
// bytes and the rules tried on it: which rules matched, where each match lies, and (once
// a rule's groups were asked for) what its named groups captured, all as offsets into the
// line. A candidate line seen again (an exception line repeats thousands of times) then
// costs a hash and a compare instead of a regex run per rule.
//
// A small direct-mapped table owned by one Classifier::Scratch (one per thread). A slot
// is taken over by the next line that hashes to it; its generation tells a holder of an
// older (slot, generation) pair that its outcome is gone. An outcome is only found for the
// same bytes and the same rules, so the memo changes no result, only what it costs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sockfilter {

class LineOutcomes {
 public:
  static constexpr size_t kSlots = 256;
  static constexpr size_t kMaxLine = 512;

  // A captured group: [begin, begin + size) of the line; `present` false when the group
  // took no part in the match.
  struct Group {
    uint32_t begin = 0;
    uint32_t size = 0;
    bool present = false;
  };
  struct Match {
    int rule;
    uint32_t begin, end;  // of the match in the line
    bool captured = false;
    Group peer, errno_text, endpoint;
  };
  struct Outcome {
    std::vector<Match> matches;  // in the order the rules were tried
  };
  struct Handle {
    uint32_t slot = 0;
    uint64_t generation = 0;  // 0: none
  };

  // The outcome for `line` with exactly these rules tried, or nullptr.
  const Outcome* Find(std::string_view line, const std::vector<int>& tried, Handle* handle) const;
  // Takes a slot for `line` (when it is short enough) and returns its outcome, empty, to
  // fill; nullptr when the line is not kept.
  Outcome* Start(std::string_view line, const std::vector<int>& tried, Handle* handle);
  // The outcome behind `handle`, or nullptr when its slot was taken over since.
  Outcome* Get(Handle handle);

 private:
  struct Slot {
    uint64_t generation = 0;
    uint64_t key = 0;
    std::string line;
    std::vector<int> tried;
    Outcome outcome;
  };
  static uint64_t KeyOf(std::string_view line, const std::vector<int>& tried);

  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
  uint64_t next_generation_ = 1;
};

}  // namespace sockfilter
