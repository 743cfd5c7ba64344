// OutputSink: the last stage; writes each event's bytes to a file descriptor.
//
// Output is gathered and written in big blocks; Idle() (the input went quiet) and Finish()
// write out what is gathered, so a live stream sees each line as soon as the pipeline has
// decided on it. When the reader has gone (EPIPE) the sink stops quietly: ok() turns false
// and closed_by_reader() tells why.
//
// Events' bytes are copied into the sink's buffer, unless KeepViews() was called: then the
// sink keeps views of the input's events (markers are still copied) (consecutive events of the
// input make one view) and writes them with writev, sparing a copy of every byte passed through.
// The views must then be released (ReleaseViews(): written out) before the bytes they show move;
// the pipeline calls it from the line reader's before_reuse hook.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/uio.h>

#include "analyzer/event_sink.h"

namespace sockfilter {

class OutputSink : public EventSink {
 public:
  explicit OutputSink(int fd, std::string name = "<stdout>", size_t buffer_bytes = 1 << 18);
  ~OutputSink() override;

  void OnEvent(const Event& event) override {
    // A marker's bytes belong to the filter that wrote it, which reuses them.
    if (keep_views_ && event.kind != EventKind::kMarker) {
      WriteView(event.raw);
    } else {
      Write(event.raw);
    }
  }
  void Idle() override { FlushBuffer(); }
  void Finish() override { FlushBuffer(); }
  bool ok() const override { return status_.ok() && !closed_by_reader_; }

  // Writes bytes that are not an event (markers, reports): they are copied.
  void Write(std::string_view bytes);
  void FlushBuffer();

  // From now on events' bytes are kept as views until ReleaseViews() or a flush.
  void KeepViews() { keep_views_ = true; }
  void ReleaseViews() { FlushBuffer(); }

  bool closed_by_reader() const { return closed_by_reader_; }
  const Status& status() const { return status_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  static constexpr size_t kMaxQueued = 1024;  // IOV_MAX on Linux

  // Queues the bytes (which stay valid until the flush) after what is queued.
  // REQUIRES: queue_ has room for one more part.
  void Queue(const char* data, size_t size);
  void WriteView(std::string_view bytes);
  void WriteAll(const char* data, size_t size);
  // Writes the parts in order, whatever the kernel takes per call (it may change them).
  void WriteParts(iovec* part, size_t parts);

  int fd_;
  std::string name_;
  std::unique_ptr<char[]> buf_;  // the copied bytes among the queued ones
  size_t capacity_;
  size_t used_ = 0;
  std::vector<iovec> queue_;  // in output order: parts of buf_ and views
  size_t queued_ = 0;         // bytes in queue_
  bool keep_views_ = false;
  uint64_t bytes_written_ = 0;
  bool closed_by_reader_ = false;
  Status status_;
};

}  // namespace sockfilter
