// CompressSink: the last stage of `sockfilter compact`; writes each event's bytes to a file
// descriptor as plain text, gzip (zlib deflate with the gzip wrapper) or zstd.
//
// Bytes are gathered in large blocks, so the encoder sees big inputs and the descriptor
// big writes. Compressed output is encoded and written on a thread of its own, so reading,
// filtering and compressing share two cores the way `zcat | gzip` does; the caller's
// thread only copies bytes into blocks. Finish() ends the compressed stream (trailer,
// zstd epilogue), writes everything out and joins that thread; nothing is complete before
// it. A failed write (disk full, file-size limit) is recorded as "NAME: write failed:
// <reason>" and turns ok() false soon after, so the driver stops reading; the sink never
// closes or syncs the descriptor. Not thread-safe: one caller.
//
//   CompressSink out(fd, "app.log.1.gz", Compression::kGzip, /*level=*/1);
//   RunSource(source, rules, options, &out, &report);
//   out.Finish();
//   if (!out.status().ok()) return out.status();
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analyzer/byte_source.h"
#include "analyzer/event_sink.h"

namespace sockfilter {

class CompressSink : public EventSink {
 public:
  static constexpr int kDefaultGzipLevel = 1;  // fast: compaction should cost about a gzip -1
  static constexpr int kDefaultZstdLevel = 3;  // zstd's own default

  // `level` 0 picks the format's default above. `name` is used in error messages only.
  CompressSink(int fd, std::string name, Compression compression, int level = 0);
  ~CompressSink() override;

  void OnEvent(const Event& event) override { Write(event.raw); }
  void Finish() override;
  bool ok() const override { return !failed_.load(std::memory_order_relaxed); }

  void Write(std::string_view bytes);

  const Status& status() const { return status_; }   // REQUIRES: Finish() returned
  uint64_t bytes_in() const { return bytes_in_; }    // text given to the sink
  uint64_t bytes_out() const { return bytes_out_; }  // written; REQUIRES: Finish() returned

  // Turns (plain or compressed) bytes into what goes to the descriptor.
  class Encoder;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
    bool last = false;
  };

  void HandOff(bool last);  // passes the filled block on (to the encoder thread, if any)
  void EncoderLoop();       // the encoder thread
  void Encode(const Block& block);
  void WriteAll(const char* data, size_t size);
  void Fail(Status status);

  int fd_;
  std::string name_;
  std::unique_ptr<Encoder> encoder_;
  Block current_;  // being filled by the caller
  uint64_t bytes_in_ = 0;
  bool finished_ = false;

  // Shared with the encoder thread under mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Block> spare_;  // empty blocks for the caller
  std::deque<Block> ready_;   // filled blocks for the encoder
  bool stop_ = false;
  std::thread encoder_thread_;
  std::atomic<bool> failed_{false};

  // Written by the encoding side only; read once Finish() has joined it.
  uint64_t bytes_out_ = 0;
  Status status_;
};

}  // namespace sockfilter
