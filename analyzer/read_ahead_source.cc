#include "analyzer/read_ahead_source.h"

#include <signal.h>

#include <algorithm>
#include <cstring>

namespace sockfilter {

ReadAheadSource::ReadAheadSource(ByteSource* inner, AtomHitFeed* feed, Options options)
    : inner_(inner), feed_(feed), options_(options), blocks_(std::max(3, options.blocks)) {
  // Each block: headroom, the bytes, 64 bytes of padding (see LentBlock).
  for (Block& block : blocks_)
    block.memory.reset(new char[options_.headroom + options_.block_bytes + 64]());
  for (Block& block : blocks_) block.data = block.memory.get() + options_.headroom;
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
      Result<size_t> n = inner_->Read(block.data + block.size, options_.block_bytes - block.size);
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
    if (feed_ != nullptr) block.hits = feed_->ScanBlock(block.offset, {block.data, block.size});
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
        std::memcpy(out, block.data + pos_, n);
        pos_ += n;
        return n;
      }
      if (block.last) {
        Status end = TakeEnd();
        if (!end.ok()) return end;
        return size_t{0};
      }
      GiveBack(taking_);
      holding_ = false;
      taking_ = (taking_ + 1) % blocks_.size();
    }
    TakeNext();
  }
}

Result<LentBlock> ReadAheadSource::Lend() {
  for (;;) {
    if (holding_) {
      Block& block = blocks_[taking_];
      if (block.last) {
        Status end = TakeEnd();
        if (!end.ok()) return end;
        return LentBlock{};
      }
      if (lent_before_held_) GiveBack(lent_before_);
      lent_before_ = taking_;
      lent_before_held_ = true;
      holding_ = false;
      taking_ = (taking_ + 1) % blocks_.size();
    }
    TakeNext();
    Block& block = blocks_[taking_];
    if (block.size > 0) return LentBlock{block.data, block.size, options_.headroom};
  }
}

Status ReadAheadSource::TakeEnd() {
  if (done_) return Status::Ok();
  done_ = true;
  return blocks_[taking_].status;
}

void ReadAheadSource::TakeNext() {
  Block& block = blocks_[taking_];
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return block.full; });
  }
  holding_ = true;
  pos_ = 0;
  if (feed_ != nullptr) feed_->Add(std::move(block.hits), block.offset + block.size);
}

void ReadAheadSource::GiveBack(size_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    blocks_[index].full = false;
  }
  changed_.notify_all();
}

}  // namespace sockfilter
