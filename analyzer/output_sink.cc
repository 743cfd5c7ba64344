#include "analyzer/output_sink.h"

#include "analyzer/pipe_size.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
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
  if (queue_.size() == kMaxQueued) FlushBuffer();
  char* at = buf_.get() + used_;
  memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  Queue(at, bytes.size());
}

void OutputSink::WriteView(std::string_view bytes) {
  if (!ok()) return;
  bytes_written_ += bytes.size();
  if (queue_.size() == kMaxQueued) FlushBuffer();
  Queue(bytes.data(), bytes.size());
  if (queued_ >= capacity_) FlushBuffer();  // written in blocks as big as the copied ones
}

void OutputSink::Queue(const char* data, size_t size) {
  if (size == 0) return;
  if (!queue_.empty()) {
    iovec& last = queue_.back();
    if (static_cast<const char*>(last.iov_base) + last.iov_len == data) {
      last.iov_len += size;
      queued_ += size;
      return;
    }
  }
  queue_.push_back({const_cast<char*>(data), size});
  queued_ += size;
}

void OutputSink::FlushBuffer() {
  WriteParts(queue_.data(), queue_.size());
  queue_.clear();
  queued_ = 0;
  used_ = 0;
}

void OutputSink::WriteAll(const char* data, size_t size) {
  iovec whole{const_cast<char*>(data), size};
  WriteParts(&whole, 1);
}

void OutputSink::WriteParts(iovec* part, size_t parts) {
  while (parts > 0 && ok()) {
    ssize_t n = ::writev(fd_, part, static_cast<int>(std::min<size_t>(parts, IOV_MAX)));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) {
        closed_by_reader_ = true;
      } else {
        status_ = Status::Error(name_ + ": " + strerror(errno));
      }
      return;
    }
    // Skip what was written: whole parts, then the written start of the next one.
    size_t written = static_cast<size_t>(n);
    while (parts > 0 && written >= part->iov_len) {
      written -= part->iov_len;
      ++part;
      --parts;
    }
    if (parts > 0) {
      part->iov_base = static_cast<char*>(part->iov_base) + written;
      part->iov_len -= written;
    }
  }
}

}  // namespace sockfilter
