// FdSource: a ByteSource over a plain file descriptor, with a small push-back buffer so
// that format detection can look at the first bytes without consuming them.
#pragma once

#include <string>

#include "analyzer/byte_source.h"

namespace sockfilter {

class FdSource : public ByteSource {
 public:
  FdSource(int fd, std::string name, bool owned);
  ~FdSource() override;
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  Result<size_t> Read(char* out, size_t size) override;
  bool WaitReadable(int timeout_ms) override;
  const std::string& name() const override { return name_; }
  bool live() const override { return live_; }

  // One read() of at most 64 bytes into the push-back buffer (so a live pipe that has
  // written only a short line is never waited on for more).
  Status FillOnce();
  bool at_end() const { return eof_; }
  // The bytes buffered by FillOnce(); Read() returns them first.
  std::string_view Peek() const { return std::string_view(pushback_).substr(pushback_pos_); }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  bool live_;
  bool eof_ = false;
  std::string pushback_;
  size_t pushback_pos_ = 0;
};

}  // namespace sockfilter
