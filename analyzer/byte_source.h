// ByteSource: where the bytes of one input come from.
//
// OpenInput() opens a path ("-" is standard input), looks at the first bytes and, when they
// are a gzip or zstd magic number, wraps the file in the matching decompressor, so callers
// only ever see log text. The file name is never consulted for the format.
//
//   auto source = OpenInput("app.log.1.gz");
//   if (!source.ok()) return source.status();     // "app.log.1.gz: No such file or directory"
//   char buf[1 << 16];
//   for (;;) {
//     Result<size_t> n = (*source)->Read(buf, sizeof buf);
//     if (!n.ok()) ...;                             // corrupt data, read error: names the file
//     if (*n == 0) break;                           // end of input
//   }
//
// Sources are not thread-safe; one reader at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "analyzer/status.h"

namespace sockfilter {

enum class Compression { kNone, kGzip, kZstd };

// A block of input bytes a source lends in place instead of copying (see
// ByteSource::Lend): [data, data + size) are the bytes, [data - headroom, data) is free
// for the borrower to write to, and [data + size, data + size + 64) is readable padding.
struct LentBlock {
  char* data = nullptr;
  size_t size = 0;  // 0: end of input
  size_t headroom = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `size` bytes (size > 0). Returns how many were read; 0 means end of input.
  // Blocks until at least one byte, end of input or an error. An error names the input.
  virtual Result<size_t> Read(char* out, size_t size) = 0;

  // Waits at most `timeout_ms` (-1: forever) until Read() would not block. Returns false
  // on timeout or when interrupted by a signal. Always true for regular files.
  virtual bool WaitReadable(int timeout_ms) = 0;

  // The input's name as the user gave it ("-" is shown as "<stdin>").
  virtual const std::string& name() const = 0;

  // True when the input can grow while we read it (a pipe, FIFO, socket or terminal).
  virtual bool live() const = 0;

  virtual Compression compression() const { return Compression::kNone; }

  // Whether the source can lend its blocks (Lend) rather than copy them out (Read). A
  // borrower uses one or the other, never both.
  virtual bool lends() const { return false; }
  // REQUIRES: lends(). The next block of the input, or its error. A block stays valid until
  // the second call to Lend after the one that gave it (so a borrower can copy what it keeps
  // of one block next to the next), or the source's end.
  virtual Result<LentBlock> Lend() { return Status::Error(name() + ": cannot lend blocks"); }
};

// The compression that the first bytes of an input show by their magic number (kNone for
// any other bytes).
Compression CompressionOf(std::string_view head);

// Opens `path` ("-" for standard input) and detects compression by magic bytes.
Result<std::unique_ptr<ByteSource>> OpenInput(const std::string& path);

// Wraps an already open descriptor (tests, and stdin). Takes ownership when `owned`.
Result<std::unique_ptr<ByteSource>> OpenDescriptor(int fd, std::string name, bool owned);

}  // namespace sockfilter
