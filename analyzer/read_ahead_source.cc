#include "analyzer/read_ahead_source.h"

#include <signal.h>

#include <algorithm>
#include <cstring>

namespace sockfilter {

ReadAheadSource::ReadAheadSource(ByteSource* inner, AtomHitFeed* feed, Options options)
    : inner_(inner), feed_(feed), options_(options), blocks_(std::max(2, options.blocks)) {
  for (Block& block : blocks_) block.data.reset(new char[options_.block_bytes]);
  thread_ = std::thread([this] { ReadLoop(); });
}

ReadAheadSource::~ReadAheadSource() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ReadAheadSource::ReadLoop() {
  // Signals (SIGTERM's flush, SIGPIPE) are the main thread's to take.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  uint64_t offset = 0;
  for (size_t next = 0;; next = (next + 1) % blocks_.size()) {
    Block& block = blocks_[next];
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || !block.full; });
      if (stop_) return;
    }
    block.size = 0;
    block.hits.clear();
    block.status = Status();
    while (block.size < options_.block_bytes && !block.last) {
      Result<size_t> n =
          inner_->Read(block.data.get() + block.size, options_.block_bytes - block.size);
      if (!n.ok()) {
        block.status = n.status();
        block.last = true;
      } else if (*n == 0) {
        block.last = true;
      } else {
        block.size += *n;
      }
    }
    block.offset = offset;
    offset += block.size;
    if (feed_ != nullptr)
      block.hits = feed_->ScanBlock(block.offset, {block.data.get(), block.size});
    bool last = block.last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      block.full = true;
    }
    changed_.notify_all();
    if (last) return;
  }
}

Result<size_t> ReadAheadSource::Read(char* out, size_t size) {
  for (;;) {
    if (holding_) {
      Block& block = blocks_[taking_];
      if (pos_ < block.size) {
        size_t n = std::min(size, block.size - pos_);
        std::memcpy(out, block.data.get() + pos_, n);
        pos_ += n;
        return n;
      }
      if (block.last) {
        if (!done_) {
          done_ = true;
          if (!block.status.ok()) return block.status;
        }
        return size_t{0};
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        block.full = false;
        holding_ = false;
      }
      changed_.notify_all();
      taking_ = (taking_ + 1) % blocks_.size();
    }
    Block& block = blocks_[taking_];
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return block.full; });
    }
    holding_ = true;
    pos_ = 0;
    if (feed_ != nullptr) feed_->Add(std::move(block.hits), block.offset + block.size);
  }
}

}  // namespace sockfilter
