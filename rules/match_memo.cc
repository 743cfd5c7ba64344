#include "rules/match_memo.h"

#include <atomic>

namespace sockfilter {

uint64_t MatchMemo::NewTestId() {
  static std::atomic<uint64_t> next{1};  // 0 marks an empty slot
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace sockfilter
