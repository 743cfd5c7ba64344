// OutputSink: the last stage; writes each event's bytes to a file descriptor.
//
// Output is gathered in a large buffer and written in big blocks; Idle() (the input went
// quiet) and Finish() write out what is buffered, so a live stream sees each line as soon
// as the pipeline has decided on it. When the reader has gone (EPIPE) the sink stops
// quietly: ok() turns false and closed_by_reader() tells why.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "analyzer/event_sink.h"

namespace sockfilter {

class OutputSink : public EventSink {
 public:
  explicit OutputSink(int fd, std::string name = "<stdout>", size_t buffer_bytes = 1 << 18);
  ~OutputSink() override;

  void OnEvent(const Event& event) override { Write(event.raw); }
  void Idle() override { FlushBuffer(); }
  void Finish() override { FlushBuffer(); }
  bool ok() const override { return status_.ok() && !closed_by_reader_; }

  // Writes bytes that are not an event (markers, reports).
  void Write(std::string_view bytes);
  void FlushBuffer();

  bool closed_by_reader() const { return closed_by_reader_; }
  const Status& status() const { return status_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  void WriteAll(const char* data, size_t size);

  int fd_;
  std::string name_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t used_ = 0;
  uint64_t bytes_written_ = 0;
  bool closed_by_reader_ = false;
  Status status_;
};

}  // namespace sockfilter
