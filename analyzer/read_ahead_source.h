// ReadAheadSource: a ByteSource that reads a regular file (or decompresses one) on a thread
// of its own, a few blocks ahead of the pipeline, and has the prefilter scan each block
// there (AtomHitFeed), so that the main thread's share is what only it can do: lines,
// events, the rules' matching on candidate lines, the filters and the output.
//
// Only for inputs that are not live: a pipe's bytes go through at once, as they come.
// The bytes and the errors come out exactly as the wrapped source gives them.
//
//   AtomHitFeed feed(rules.classifier);
//   ReadAheadSource ahead(source.get(), &feed);
//   LineReader reader(&ahead);   // and the classify stage asks `feed` for hits
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/atom_hit_feed.h"
#include "analyzer/byte_source.h"

namespace sockfilter {

class ReadAheadSource : public ByteSource {
 public:
  struct Options {
    size_t block_bytes = 1 << 20;
    int blocks = 4;  // blocks in flight (at least 3: a borrower may hold two)
    // Free bytes before each block, where a borrower of blocks (Lend) puts what it keeps
    // of the block before (a partial line, a pending event).
    size_t headroom = 256 << 10;
  };

  // REQUIRES: `inner` is not live and outlives this; `feed` (may be null) outlives this.
  ReadAheadSource(ByteSource* inner, AtomHitFeed* feed) : ReadAheadSource(inner, feed, Options()) {}
  ReadAheadSource(ByteSource* inner, AtomHitFeed* feed, Options options);
  ~ReadAheadSource() override;
  ReadAheadSource(const ReadAheadSource&) = delete;
  ReadAheadSource& operator=(const ReadAheadSource&) = delete;

  Result<size_t> Read(char* out, size_t size) override;
  bool WaitReadable(int /*timeout_ms*/) override { return true; }
  const std::string& name() const override { return inner_->name(); }
  bool live() const override { return false; }
  Compression compression() const override { return inner_->compression(); }
  bool lends() const override { return true; }
  Result<LentBlock> Lend() override;

 private:
  struct Block {
    std::unique_ptr<char[]> memory;
    char* data = nullptr;  // memory + headroom
    size_t size = 0;
    uint64_t offset = 0;
    std::vector<AtomHit> hits;
    Status status;      // the read error that ended the input, if one did
    bool last = false;  // no block follows
    bool full = false;  // written by the reader thread, not yet taken back
  };

  void ReadLoop();
  // Waits for the next block, makes it the one taken, hands its hits to the feed.
  void TakeNext();
  // At the last block, taken and read out: its read error the first time, then ok.
  Status TakeEnd();
  // Gives the taken block back to the reader thread.
  void GiveBack(size_t index);

  ByteSource* inner_;
  AtomHitFeed* feed_;
  Options options_;
  std::vector<Block> blocks_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;

  // Main thread's place: blocks_[taking_] is being read from, at `pos_`.
  size_t taking_ = 0;
  size_t pos_ = 0;
  bool holding_ = false;  // blocks_[taking_] is taken
  bool done_ = false;     // the end (or the error) was reported
  // Lending: the block lent the time before the last, still the borrower's.
  size_t lent_before_ = 0;
  bool lent_before_held_ = false;

  std::thread thread_;
};

}  // namespace sockfilter
