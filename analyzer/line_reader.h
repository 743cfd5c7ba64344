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

#include <bit>
#include <cstdint>
#include <functional>
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
    // Called before the buffer's bytes are moved or freed (and so before the views handed
    // out so far become invalid), for a consumer that keeps views instead of copies.
    std::function<void()> before_reuse;
  };

  explicit LineReader(ByteSource* source) : LineReader(source, Options()) {}
  LineReader(ByteSource* source, Options options);
  ~LineReader();

  // Hands out the next line; false at end of input or on a read error (see status()).
  // Blocks on a live source until a whole line (or a piece) is available.
  bool Next(Line* line) {
    // The common case, inline: the next newline is among the masks already made, within
    // max_line_bytes.
    uint64_t mask = mask_;
    size_t chunk = chunk_;
    while (mask == 0) {
      if ((chunk + 1) * kChunk >= end_) return NextSlow(line);
      mask = masks_[++chunk];
    }
    size_t nl = chunk * kChunk + static_cast<size_t>(std::countr_zero(mask));
    if (nl - pos_ >= options_.max_line_bytes) return NextSlow(line);
    chunk_ = chunk;
    mask_ = mask & (mask - 1);  // the newline is consumed with its line
    EmitLine(nl + 1, line);
    return true;
  }

  // True when Next() can return a line without reading from the source.
  bool HasBufferedLine();

  // Keeps the bytes from absolute `offset` on available to View() across calls to Next().
  void Pin(uint64_t offset) { pin_ = offset; }
  void Unpin() { pin_ = kNoPin; }
  // The bytes [begin, end) of the input; REQUIRES: pinned or handed out by the last Next().
  std::string_view View(uint64_t begin, uint64_t end) const {
    return std::string_view(data_ + (begin - base_), end - begin);
  }

  const Status& status() const { return status_; }
  uint64_t bytes_read() const { return base_ + end_; }

 private:
  static constexpr uint64_t kNoPin = ~uint64_t{0};
  static constexpr size_t kChunk = 64;  // bytes per newline mask

  bool NextSlow(Line* line);
  bool Refill();
  // Refill from a source that lends its blocks: what is kept is copied in front of the next
  // block (into its headroom) instead of the block behind it, when it fits.
  bool RefillLent();
  // Makes the newline masks of data_[0, end_), the first `indexed` bytes' being right.
  void IndexNewlines(size_t indexed);
  // Hands out data_[pos_, end) as a line ending in a newline.
  void EmitLine(size_t end, Line* line) {
    const char* data = data_;
    if (!in_piece_) ++line_number_;
    // Built in locals: reading line->raw back right after storing it stalls on store
    // forwarding, which cost as much as finding the newline.
    size_t text_length = end - 1 - pos_;
    if (text_length > 0 && data[end - 2] == '\r') --text_length;
    line->raw = std::string_view(data + pos_, end - pos_);
    line->text = std::string_view(data + pos_, text_length);
    line->offset = base_ + pos_;
    line->number = line_number_;
    line->partial = false;
    line->piece = in_piece_;
    in_piece_ = false;
    pos_ = end;
  }
  // Hands out data_[pos_, end) as a piece of an over-long line or a last line without a
  // newline.
  void EmitUnterminated(size_t end, bool partial, Line* line);
  // Index of the first '\n' in data_[pos_, end_), or end_; moves the search state on to it
  // without consuming it.
  size_t FindNewline();
  // Restarts the search state at `from`: no newline lies in [pos_, from).
  void SeekChunk(size_t from);

  ByteSource* source_;
  Options options_;
  std::unique_ptr<char[]> buf_;  // owned; data_ is here or in a block the source lent
  char* data_;
  size_t capacity_;  // of buf_
  // Newline bits of data_ per 64 bytes: masks_[k] for data_[64k, 64k + 64), exact up to end_
  // and zero after it. Refill makes them for the bytes it reads (and again for the bytes
  // it moves), so each line's newline is then one bit scan away.
  std::unique_ptr<uint64_t[]> masks_;
  size_t mask_count_;
  size_t pos_ = 0;     // first byte not yet handed out
  size_t end_ = 0;     // end of the data in data_
  uint64_t base_ = 0;  // absolute offset of data_[0]
  uint64_t pin_ = kNoPin;
  uint64_t line_number_ = 0;
  // The search state: there is no newline in [pos_, 64 * chunk_), and the newlines of
  // chunk chunk_ at or after pos_ are the set bits of mask_.
  size_t chunk_ = 0;
  uint64_t mask_ = 0;
  bool in_piece_ = false;  // the last line handed out was a non-final piece
  bool eof_ = false;
  Status status_;
};

}  // namespace sockfilter
