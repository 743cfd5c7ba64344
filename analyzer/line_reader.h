// LineReader: splits a ByteSource into lines without copying them.
//
// It reads large blocks into one reusable buffer and hands out each line as a view into
// it, with its byte offset and 1-based number. A line longer than `max_line_bytes` (or a
// file with no newline at all) is handed out in pieces of that size, so memory stays
// bounded whatever the input; every byte is handed out exactly once.
//
// Lifetime: a Line's views are valid until the next call to Next(). Bytes at or after the
// pinned offset (see Pin) are kept across calls and can be fetched again with View(); they
// may move in memory, so keep offsets, not pointers.
//
//   LineReader reader(source.get());
//   Line line;
//   while (reader.Next(&line)) Use(line);
//   if (!reader.status().ok()) Report(reader.status());   // names the input
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "analyzer/byte_source.h"

namespace sockfilter {

struct Line {
  std::string_view raw;   // the bytes of the line with its terminator ("\n" or "\r\n")
  std::string_view text;  // raw without the terminator
  uint64_t offset = 0;    // of raw[0] in the (decompressed) input
  uint64_t number = 0;    // 1-based; every piece of a long line has the line's number
  bool partial = false;   // a piece of an over-long line, and more pieces follow
  bool piece = false;     // a piece of an over-long line (the last piece has partial=false)
};

class LineReader {
 public:
  struct Options {
    size_t block_bytes = 1 << 18;     // bytes asked of the source per read (>= 256 KiB)
    size_t max_line_bytes = 4 << 20;  // longer lines are handed out in pieces
  };

  explicit LineReader(ByteSource* source) : LineReader(source, Options()) {}
  LineReader(ByteSource* source, Options options);

  // Hands out the next line; false at end of input or on a read error (see status()).
  // Blocks on a live source until a whole line (or a piece) is available.
  bool Next(Line* line);

  // True when Next() can return a line without reading from the source.
  bool HasBufferedLine();

  // Keeps the bytes from absolute `offset` on available to View() across calls to Next().
  void Pin(uint64_t offset) { pin_ = offset; }
  void Unpin() { pin_ = kNoPin; }
  // The bytes [begin, end) of the input; REQUIRES: pinned or handed out by the last Next().
  std::string_view View(uint64_t begin, uint64_t end) const {
    return std::string_view(buf_.get() + (begin - base_), end - begin);
  }

  const Status& status() const { return status_; }
  uint64_t bytes_read() const { return base_ + end_; }

 private:
  static constexpr uint64_t kNoPin = ~uint64_t{0};
  static constexpr size_t kNoChunk = ~size_t{0};
  static constexpr size_t kChunk = 64;  // bytes per newline mask

  bool Refill();
  void Emit(size_t end, bool partial, Line* line);
  // Index of the first '\n' in buf_[from, to), or `to` when there is none.
  size_t FindNewline(size_t from, size_t to);

  ByteSource* source_;
  Options options_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t pos_ = 0;     // first byte not yet handed out
  size_t scan_ = 0;    // bytes before this index (from pos_) hold no newline
  size_t end_ = 0;     // end of the data in buf_
  uint64_t base_ = 0;  // absolute offset of buf_[0]
  uint64_t pin_ = kNoPin;
  uint64_t line_number_ = 0;
  // Newline bits of the 64-byte chunk of buf_ that starts at chunk_base_ (a multiple of
  // 64); bytes past end_ give stray bits, which FindNewline masks off. Reset by Refill.
  size_t chunk_base_ = kNoChunk;
  uint64_t chunk_mask_ = 0;
  bool in_piece_ = false;  // the last line handed out was a non-final piece
  bool eof_ = false;
  Status status_;
};

}  // namespace sockfilter
