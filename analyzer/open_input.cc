// OpenInput: open a path and pick the decoder from the first bytes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "analyzer/byte_source.h"
#include "analyzer/decompress_source.h"
#include "analyzer/fd_source.h"

namespace sockfilter {

namespace {

constexpr std::string_view kGzipMagic("\x1f\x8b", 2);
constexpr std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);

// True while `head` could still grow into one of the magic numbers.
bool CouldBeMagicPrefix(std::string_view head) {
  auto prefix_of = [&](std::string_view magic) {
    return head.size() < magic.size() && magic.substr(0, head.size()) == head;
  };
  return prefix_of(kGzipMagic) || prefix_of(kZstdMagic);
}

}  // namespace

Compression CompressionOf(std::string_view head) {
  if (head.substr(0, kGzipMagic.size()) == kGzipMagic) return Compression::kGzip;
  if (head.substr(0, kZstdMagic.size()) == kZstdMagic) return Compression::kZstd;
  return Compression::kNone;
}

Result<std::unique_ptr<ByteSource>> OpenDescriptor(int fd, std::string name, bool owned) {
  auto raw = std::make_unique<FdSource>(fd, std::move(name), owned);
  // Read only as much as needed to decide: a live pipe that has written a short plain
  // line must not be waited on.
  while (!raw->at_end() && CouldBeMagicPrefix(raw->Peek())) {
    Status s = raw->FillOnce();
    if (!s.ok()) return s;
    if (raw->Peek().empty() && !raw->at_end()) break;  // interrupted by a shutdown signal
  }
  switch (CompressionOf(raw->Peek())) {
    case Compression::kGzip:
      return MakeGzipSource(std::move(raw));
    case Compression::kZstd:
      return MakeZstdSource(std::move(raw));
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteSource>(std::move(raw));
}

Result<std::unique_ptr<ByteSource>> OpenInput(const std::string& path) {
  if (path == "-") return OpenDescriptor(STDIN_FILENO, "<stdin>", false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(path + ": " + strerror(errno));
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::Error(path + ": is a directory");
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return OpenDescriptor(fd, path, true);
}

}  // namespace sockfilter
