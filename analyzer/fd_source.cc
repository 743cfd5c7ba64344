#include "analyzer/fd_source.h"

#include "analyzer/pipe_size.h"
#include "analyzer/shutdown.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sockfilter {

namespace {

bool IsLive(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
}

}  // namespace

FdSource::FdSource(int fd, std::string name, bool owned)
    : fd_(fd), name_(std::move(name)), owned_(owned), live_(IsLive(fd)) {
  EnlargePipe(fd);
}

FdSource::~FdSource() {
  if (owned_) close(fd_);
}

Result<size_t> FdSource::Read(char* out, size_t size) {
  if (pushback_pos_ < pushback_.size()) {
    size_t n = std::min(size, pushback_.size() - pushback_pos_);
    memcpy(out, pushback_.data() + pushback_pos_, n);
    pushback_pos_ += n;
    return n;
  }
  if (eof_) return size_t{0};
  for (;;) {
    // A signal that came while we were not in read() (say, during the flush-timeout
    // poll, which it cut short) must not leave us blocked in read() for more input.
    if (ShutdownRequested()) return size_t{0};
    ssize_t n = ::read(fd_, out, size);
    if (n >= 0) {
      if (n == 0) eof_ = true;
      return static_cast<size_t>(n);
    }
    if (errno == EINTR) {
      // A shutdown signal ends the input early, as if it had ended: the pipeline still
      // finishes and writes its markers. Any other interruption is retried.
      if (ShutdownRequested()) return size_t{0};
      continue;
    }
    if (errno == EAGAIN) {
      WaitReadable(-1);
      continue;
    }
    return Status::Error(name_ + ": " + strerror(errno));
  }
}

bool FdSource::WaitReadable(int timeout_ms) {
  if (pushback_pos_ < pushback_.size() || eof_ || !live_ || ShutdownRequested()) return true;
  struct pollfd p = {fd_, POLLIN, 0};
  int r = poll(&p, 1, timeout_ms);
  return r > 0;
}

Status FdSource::FillOnce() {
  char buf[64];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR && !ShutdownRequested()) continue;
      if (errno == EINTR) return Status::Ok();
      return Status::Error(name_ + ": " + strerror(errno));
    }
    if (n == 0) eof_ = true;
    pushback_.append(buf, static_cast<size_t>(n));
    return Status::Ok();
  }
}

}  // namespace sockfilter
