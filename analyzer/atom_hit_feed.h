// AtomHitFeed: the prefilter's literal hits of one input, found block by block on the
// read-ahead thread (ReadAheadSource) and looked up by the classify stage, which then has
// no bytes to scan for the events that hold no hit: most of them.
//
// Two sides, one thread each. The reader thread calls ScanBlock() on each block in input
// order; the result travels with the block, and the main thread hands it over with Add()
// when it takes the block's bytes, so every hit of bytes it has read is there when it looks.
//
//   reader thread:  slot.hits = feed.ScanBlock(offset, block);
//   main thread:    feed.Add(std::move(slot.hits), offset + block.size());
//                   if (feed.Find(event_begin, event_end, &hits)) classify with hits;
//                   else classify by scanning (a range it cannot vouch for)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/classifier.h"

namespace sockfilter {

class AtomHitFeed {
 public:
  // REQUIRES: `classifier` is not null.
  explicit AtomHitFeed(std::shared_ptr<const Classifier> classifier);

  // Reader thread. Every occurrence that ends in the block at `offset` (the blocks come
  // in order, back to back): those inside it, and those that began in the block before.
  // In order of their begin.
  std::vector<AtomHit> ScanBlock(uint64_t offset, std::string_view block);

  // Main thread. ScanBlock's result for the block that ends at `end`.
  void Add(std::vector<AtomHit> hits, uint64_t end);

  // Main thread. The hits wholly inside [begin, end), in order, into `hits`; false when
  // the feed cannot vouch for them: bytes not handed over yet, or a range that starts
  // before an earlier one (the hits before that were let go).
  bool Find(uint64_t begin, uint64_t end, std::vector<AtomHit>* hits);

 private:
  std::shared_ptr<const Classifier> classifier_;
  size_t longest_atom_ = 0;

  // Reader side: the last bytes of the block before (fewer than the longest atom), for the
  // occurrences that cross into the next block.
  std::string tail_;
  uint64_t tail_offset_ = 0;

  // Main side: hits_[front_, end) are the hits not let go, in order of their begin.
  std::vector<AtomHit> hits_;
  size_t front_ = 0;
  uint64_t known_end_ = 0;  // every hit that ends at or before this offset is in hits_
  uint64_t let_go_ = 0;     // hits that begin before this offset are gone
};

}  // namespace sockfilter
