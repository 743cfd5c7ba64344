#include "rules/line_outcomes.h"

#include "analyzer/line_hash.h"

namespace sockfilter {

uint64_t LineOutcomes::KeyOf(std::string_view line, const std::vector<int>& tried) {
  uint64_t h = LineHash(line);
  for (int rule : tried) h = (h ^ static_cast<uint64_t>(rule)) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 31);
}

const LineOutcomes::Outcome* LineOutcomes::Find(std::string_view line,
                                                const std::vector<int>& tried,
                                                Handle* handle) const {
  if (line.size() > kMaxLine) return nullptr;
  uint64_t key = KeyOf(line, tried);
  size_t index = key >> (64 - 8);
  const Slot& slot = slots_[index];
  if (slot.generation == 0 || slot.key != key || slot.line != line || slot.tried != tried)
    return nullptr;
  *handle = Handle{static_cast<uint32_t>(index), slot.generation};
  return &slot.outcome;
}

LineOutcomes::Outcome* LineOutcomes::Start(std::string_view line, const std::vector<int>& tried,
                                           Handle* handle) {
  if (line.size() > kMaxLine) return nullptr;
  uint64_t key = KeyOf(line, tried);
  size_t index = key >> (64 - 8);
  Slot& slot = slots_[index];
  slot.generation = next_generation_++;
  slot.key = key;
  slot.line.assign(line.data(), line.size());
  slot.tried = tried;
  slot.outcome.matches.clear();
  *handle = Handle{static_cast<uint32_t>(index), slot.generation};
  return &slot.outcome;
}

LineOutcomes::Outcome* LineOutcomes::Get(Handle handle) {
  if (handle.generation == 0) return nullptr;
  Slot& slot = slots_[handle.slot];
  return slot.generation == handle.generation ? &slot.outcome : nullptr;
}

}  // namespace sockfilter
