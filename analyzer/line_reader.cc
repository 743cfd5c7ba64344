#include "analyzer/line_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sockfilter {

namespace {

// One bit per byte of p[0, 64): set where the byte is '\n'. Lines are short (a hundred
// bytes is typical), so a memchr call per line spends more on its set-up than on
// scanning; a mask per 64 bytes finds every newline of the chunk at once.
uint64_t NewlineMask(const char* p) {
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    uint64_t bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, nl)));
    mask |= bits << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) mask |= uint64_t{p[i] == '\n'} << i;
  return mask;
#endif
}

}  // namespace

LineReader::LineReader(ByteSource* source, Options options)
    : source_(source),
      options_(options),
      // kChunk bytes of padding: a newline mask may read past the data, never past the end.
      buf_(new char[options.block_bytes * 2 + kChunk]()),
      capacity_(options.block_bytes * 2) {}

bool LineReader::HasBufferedLine() {
  if (pos_ == end_) return false;
  if (end_ - pos_ > options_.max_line_bytes || eof_) return true;
  if (scan_ < pos_) scan_ = pos_;
  // Either way the next search starts where this one stopped: at the newline, so Next()
  // finds it at once, or at end_.
  scan_ = FindNewline(scan_, end_);
  return scan_ < end_;
}

size_t LineReader::FindNewline(size_t from, size_t to) {
  while (from < to) {
    size_t base = from & ~(kChunk - 1);
    if (base != chunk_base_) {
      chunk_base_ = base;
      chunk_mask_ = NewlineMask(buf_.get() + base);
    }
    uint64_t mask = chunk_mask_ & (~uint64_t{0} << (from - base));
    if (to - base < kChunk) mask &= (uint64_t{1} << (to - base)) - 1;
    if (mask != 0) return base + static_cast<size_t>(std::countr_zero(mask));
    from = base + kChunk;
  }
  return to;
}

bool LineReader::Next(Line* line) {
  if (scan_ < pos_) scan_ = pos_;
  for (;;) {
    // Look no further than max_line_bytes: a longer line comes in pieces of exactly that
    // size, whether or not its newline happens to be in the buffer already.
    size_t limit = std::min(end_, pos_ + options_.max_line_bytes);
    size_t nl = FindNewline(scan_, limit);
    if (nl < limit) {
      Emit(nl + 1, false, line);
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
  // Built in locals: reading line->raw back right after storing it stalls on store
  // forwarding, which cost as much as finding the newline.
  std::string_view raw(data + pos_, end - pos_);
  std::string_view text = raw;
  if (!partial && !text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  }
  line->raw = raw;
  line->text = text;
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
  chunk_base_ = kNoChunk;
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
    std::unique_ptr<char[]> bigger(new char[grown + kChunk]());
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
