#include "analyzer/file_range_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "analyzer/shutdown.h"

namespace sockfilter {

namespace {

// Reads a borrowed descriptor at its own offsets: pieces of one file share it.
class FileRangeSource : public ByteSource {
 public:
  FileRangeSource(int fd, std::string name, uint64_t begin, uint64_t end)
      : fd_(fd), name_(std::move(name)), pos_(begin), end_(end) {}

  Result<size_t> Read(char* out, size_t size) override {
    size = static_cast<size_t>(std::min<uint64_t>(size, end_ - pos_));
    while (size > 0 && !ShutdownRequested()) {
      ssize_t n = ::pread(fd_, out, size, static_cast<off_t>(pos_));
      if (n >= 0) {
        pos_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) return Status::Error(name_ + ": " + strerror(errno));
    }
    return size_t{0};  // the end of the range, or a shutdown signal (as FdSource)
  }
  bool WaitReadable(int /*timeout_ms*/) override { return true; }
  const std::string& name() const override { return name_; }
  bool live() const override { return false; }

 private:
  int fd_;
  std::string name_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

std::unique_ptr<ByteSource> MakeFileRangeSource(int fd, std::string name, uint64_t begin,
                                                uint64_t end) {
  posix_fadvise(fd, static_cast<off_t>(begin), 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<FileRangeSource>(fd, std::move(name), begin, std::max(begin, end));
}

}  // namespace sockfilter
