// CompressSink: the last stage of `sockfilter compact`; writes each event's bytes to a file
// descriptor as plain text, gzip (zlib deflate with the gzip wrapper) or zstd.
//
// Bytes are gathered in a large block and compressed block by block, so the encoder sees
// big inputs and the descriptor big writes. Finish() ends the compressed stream (trailer,
// zstd epilogue) and writes everything out; nothing is complete before it. A failed write
// (disk full, file-size limit) is recorded as "NAME: write failed: <reason>" and turns
// ok() false, so the driver stops reading; the sink never closes or syncs the descriptor.
//
//   CompressSink out(fd, "app.log.1.gz", Compression::kGzip, /*level=*/1);
//   RunSource(source, rules, options, &out, &report);
//   out.Finish();
//   if (!out.status().ok()) return out.status();
#pragma once

#include <memory>
#include <string>
#include <string_view>

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
  bool ok() const override { return status_.ok(); }

  void Write(std::string_view bytes);

  const Status& status() const { return status_; }
  uint64_t bytes_in() const { return bytes_in_; }    // text given to the sink
  uint64_t bytes_out() const { return bytes_out_; }  // bytes written to the descriptor

  // Turns (plain or compressed) bytes into what goes to the descriptor.
  class Encoder;

 private:
  void EncodeBlock(bool last);
  void WriteAll(const char* data, size_t size);

  int fd_;
  std::string name_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<char[]> block_;
  size_t used_ = 0;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  bool finished_ = false;
  Status status_;
};

}  // namespace sockfilter
