#include "analyzer/line_reader.h"

#include <algorithm>
#include <cstring>

namespace sockfilter {

LineReader::LineReader(ByteSource* source, Options options)
    : source_(source),
      options_(options),
      buf_(new char[options.block_bytes * 2]),
      capacity_(options.block_bytes * 2) {}

bool LineReader::HasBufferedLine() const {
  if (pos_ == end_) return false;
  if (end_ - pos_ > options_.max_line_bytes || eof_) return true;
  return memchr(buf_.get() + scan_, '\n', end_ - scan_) != nullptr;
}

bool LineReader::Next(Line* line) {
  if (scan_ < pos_) scan_ = pos_;
  for (;;) {
    const char* data = buf_.get();
    // Look no further than max_line_bytes: a longer line comes in pieces of exactly that
    // size, whether or not its newline happens to be in the buffer already.
    size_t limit = std::min(end_, pos_ + options_.max_line_bytes);
    const void* nl = scan_ < limit ? memchr(data + scan_, '\n', limit - scan_) : nullptr;
    if (nl != nullptr) {
      Emit(static_cast<const char*>(nl) - data + 1, false, line);
      return true;
    }
    scan_ = limit;
    // A piece is cut only when a byte follows it: a last line of exactly max_line_bytes
    // without a newline must end at the end of input (not as a partial piece), or it would
    // never be counted as a line.
    if (end_ - pos_ > options_.max_line_bytes) {
      Emit(pos_ + options_.max_line_bytes, true, line);
      return true;
    }
    if (eof_) {
      if (pos_ == end_) return false;
      Emit(end_, false, line);  // a last line without a newline
      return true;
    }
    Refill();
  }
}

void LineReader::Emit(size_t end, bool partial, Line* line) {
  const char* data = buf_.get();
  if (!in_piece_) ++line_number_;
  line->raw = std::string_view(data + pos_, end - pos_);
  line->text = line->raw;
  if (!partial && !line->text.empty() && line->text.back() == '\n') {
    line->text.remove_suffix(1);
    if (!line->text.empty() && line->text.back() == '\r') line->text.remove_suffix(1);
  }
  line->offset = base_ + pos_;
  line->number = line_number_;
  line->partial = partial;
  line->piece = partial || in_piece_;
  in_piece_ = partial;
  pos_ = end;
  scan_ = end;
}

// Makes room for at least one block after end_, keeping [min(pos_, pin), end_), and reads
// once. Only a pinned event or an over-long line makes the buffer grow.
bool LineReader::Refill() {
  size_t keep = pos_;
  if (pin_ != kNoPin && pin_ >= base_) keep = std::min<size_t>(keep, pin_ - base_);
  if (capacity_ - end_ < options_.block_bytes && keep > 0) {
    memmove(buf_.get(), buf_.get() + keep, end_ - keep);
    base_ += keep;
    pos_ -= keep;
    scan_ -= keep;
    end_ -= keep;
  }
  if (capacity_ - end_ < options_.block_bytes) {
    size_t grown = std::max(capacity_ * 2, end_ + options_.block_bytes);
    std::unique_ptr<char[]> bigger(new char[grown]);
    memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    capacity_ = grown;
  }
  Result<size_t> n = source_->Read(buf_.get() + end_, capacity_ - end_);
  if (!n.ok()) {
    status_ = n.status();
    eof_ = true;
    return false;
  }
  if (*n == 0) eof_ = true;
  end_ += *n;
  return *n > 0;
}

}  // namespace sockfilter
