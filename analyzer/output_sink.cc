#include "analyzer/output_sink.h"

#include "analyzer/pipe_size.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sockfilter {

OutputSink::OutputSink(int fd, std::string name, size_t buffer_bytes)
    : fd_(fd), name_(std::move(name)), buf_(new char[buffer_bytes]), capacity_(buffer_bytes) {
  EnlargePipe(fd);
}

OutputSink::~OutputSink() { FlushBuffer(); }

void OutputSink::Write(std::string_view bytes) {
  if (!ok()) return;
  bytes_written_ += bytes.size();
  if (bytes.size() > capacity_ - used_) {
    FlushBuffer();
    if (bytes.size() >= capacity_) {  // too big to gather: write it straight out
      WriteAll(bytes.data(), bytes.size());
      return;
    }
  }
  memcpy(buf_.get() + used_, bytes.data(), bytes.size());
  used_ += bytes.size();
}

void OutputSink::FlushBuffer() {
  if (used_ == 0) return;
  size_t n = used_;
  used_ = 0;
  WriteAll(buf_.get(), n);
}

void OutputSink::WriteAll(const char* data, size_t size) {
  while (size > 0 && ok()) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) {
        closed_by_reader_ = true;
      } else {
        status_ = Status::Error(name_ + ": " + strerror(errno));
      }
      return;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace sockfilter
