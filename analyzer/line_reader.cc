#include "analyzer/line_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace sockfilter {

namespace {

// Newline masks, one bit per byte, for `chunks` runs of 64 bytes from p: bit i of out[k]
// is set where p[64 * k + i] is '\n'. Lines are short (a hundred bytes is typical), so a
// memchr call per line spends more on its set-up than on scanning; masks made for a whole
// block at once leave one bit scan per line.
using NewlineMasksFunction = void (*)(const char* p, size_t chunks, uint64_t* out);

void NewlineMasksPortable(const char* p, size_t chunks, uint64_t* out) {
  for (size_t k = 0; k < chunks; ++k, p += 64) {
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    uint64_t mask = 0;
    for (int i = 0; i < 4; ++i) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      uint64_t bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, nl)));
      mask |= bits << (16 * i);
    }
#else
    uint64_t mask = 0;
    for (int i = 0; i < 64; ++i) mask |= uint64_t{p[i] == '\n'} << i;
#endif
    out[k] = mask;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
// Half the instructions of the SSE2 loop; chosen at run time, since the binary targets
// plain x86-64.
__attribute__((target("avx2"))) void NewlineMasksAvx2(const char* p, size_t chunks, uint64_t* out) {
  const __m256i nl = _mm256_set1_epi8('\n');
  for (size_t k = 0; k < chunks; ++k, p += 64) {
    __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    uint64_t lo = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, nl)));
    uint64_t hi = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, nl)));
    out[k] = lo | (hi << 32);
  }
}
#endif

NewlineMasksFunction ChooseNewlineMasks() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return NewlineMasksAvx2;
#endif
  return NewlineMasksPortable;
}

const NewlineMasksFunction kNewlineMasks = ChooseNewlineMasks();

size_t MaskCount(size_t capacity, size_t chunk) { return (capacity + chunk - 1) / chunk + 1; }

}  // namespace

LineReader::LineReader(ByteSource* source, Options options)
    : source_(source),
      options_(options),
      // kChunk bytes of padding: a newline mask may read past the data, never past the end.
      buf_(new char[options.block_bytes * 2 + kChunk]()),
      data_(buf_.get()),
      capacity_(options.block_bytes * 2),
      masks_(new uint64_t[MaskCount(capacity_, kChunk)]()),
      mask_count_(MaskCount(capacity_, kChunk)) {}

LineReader::~LineReader() {
  if (options_.before_reuse) options_.before_reuse();
}

bool LineReader::HasBufferedLine() {
  if (pos_ == end_) return false;
  if (end_ - pos_ > options_.max_line_bytes || eof_) return true;
  return FindNewline() < end_;
}

size_t LineReader::FindNewline() {
  while (mask_ == 0) {
    if ((chunk_ + 1) * kChunk >= end_) return end_;
    mask_ = masks_[++chunk_];
  }
  return chunk_ * kChunk + static_cast<size_t>(std::countr_zero(mask_));
}

void LineReader::SeekChunk(size_t from) {
  chunk_ = from / kChunk;
  // The masks past end_ are not kept up to date (Refill may have moved the data).
  mask_ = from < end_ ? masks_[chunk_] & (~uint64_t{0} << (from % kChunk)) : 0;
}

bool LineReader::NextSlow(Line* line) {
  for (;;) {
    // Look no further than max_line_bytes: a longer line comes in pieces of exactly that
    // size, whether or not its newline happens to be in the buffer already.
    size_t limit = std::min(end_, pos_ + options_.max_line_bytes);
    size_t nl = FindNewline();
    if (nl < limit) {
      mask_ &= mask_ - 1;
      EmitLine(nl + 1, line);
      return true;
    }
    // A piece is cut only when a byte follows it: a last line of exactly max_line_bytes
    // without a newline must end at the end of input (not as a partial piece), or it would
    // never be counted as a line.
    if (end_ - pos_ > options_.max_line_bytes) {
      EmitUnterminated(pos_ + options_.max_line_bytes, true, line);
      return true;
    }
    if (eof_) {
      if (pos_ == end_) return false;
      EmitUnterminated(end_, false, line);  // a last line without a newline
      return true;
    }
    Refill();
  }
}

void LineReader::EmitUnterminated(size_t end, bool partial, Line* line) {
  if (!in_piece_) ++line_number_;
  line->raw = std::string_view(data_ + pos_, end - pos_);
  line->text = line->raw;
  line->offset = base_ + pos_;
  line->number = line_number_;
  line->partial = partial;
  line->piece = partial || in_piece_;
  in_piece_ = partial;
  pos_ = end;
  // The search may have stopped before the new pos_ (it never passes a newline, and there
  // is none in the piece).
  if ((chunk_ + 1) * kChunk <= pos_) SeekChunk(pos_);
}

// Makes room for at least one block after end_, keeping [min(pos_, pin), end_), and reads
// once. Only a pinned event or an over-long line makes the buffer grow.
bool LineReader::Refill() {
  if (source_->lends()) return RefillLent();
  // Called only when [pos_, end_) holds no newline: the search resumes at end_.
  size_t scanned = end_;
  size_t indexed = end_;  // the masks of the bytes before this stay right
  size_t keep = pos_;
  if (pin_ != kNoPin && pin_ >= base_) keep = std::min<size_t>(keep, pin_ - base_);
  bool moves = capacity_ - end_ < options_.block_bytes;
  if (moves && options_.before_reuse) options_.before_reuse();
  if (moves && keep > 0) {
    memmove(data_, data_ + keep, end_ - keep);
    base_ += keep;
    pos_ -= keep;
    scanned -= keep;
    end_ -= keep;
    indexed = 0;
  }
  if (capacity_ - end_ < options_.block_bytes) {
    size_t grown = std::max(capacity_ * 2, end_ + options_.block_bytes);
    std::unique_ptr<char[]> bigger(new char[grown + kChunk]());
    memcpy(bigger.get(), data_, end_);
    buf_ = std::move(bigger);
    data_ = buf_.get();
    capacity_ = grown;
    indexed = 0;
  }
  Result<size_t> n = source_->Read(data_ + end_, capacity_ - end_);
  bool ok = n.ok();
  if (!ok) {
    status_ = n.status();
    eof_ = true;
  } else {
    if (*n == 0) eof_ = true;
    end_ += *n;
  }
  IndexNewlines(indexed);
  SeekChunk(scanned);
  return ok && *n > 0;
}

bool LineReader::RefillLent() {
  size_t scanned = end_;
  size_t keep = pos_;
  if (pin_ != kNoPin && pin_ >= base_) keep = std::min<size_t>(keep, pin_ - base_);
  // The block before stays readable until the next Lend, so what is kept can be copied
  // out of it after this one.
  Result<LentBlock> block = source_->Lend();
  if (!block.ok() || block->size == 0) {
    if (!block.ok()) status_ = block.status();
    eof_ = true;
    SeekChunk(scanned);
    return false;
  }
  if (options_.before_reuse) options_.before_reuse();
  const size_t kept = end_ - keep;
  if (kept <= block->headroom) {
    char* front = block->data - kept;
    memcpy(front, data_ + keep, kept);
    data_ = front;
  } else {
    // More kept than the headroom holds (a long pending event): the own buffer, grown.
    const size_t needed = kept + block->size;
    if (data_ == buf_.get() && capacity_ >= needed) {
      memmove(buf_.get(), data_ + keep, kept);
    } else {
      size_t size = std::max(needed, capacity_);
      std::unique_ptr<char[]> fresh(new char[size + kChunk]());
      memcpy(fresh.get(), data_ + keep, kept);
      buf_ = std::move(fresh);
      capacity_ = size;
    }
    memcpy(buf_.get() + kept, block->data, block->size);
    data_ = buf_.get();
  }
  base_ += keep;
  pos_ -= keep;
  scanned -= keep;
  end_ = kept + block->size;
  IndexNewlines(0);
  SeekChunk(scanned);
  return true;
}

void LineReader::IndexNewlines(size_t indexed) {
  size_t needed = MaskCount(end_, kChunk);
  if (needed > mask_count_) {
    masks_.reset(new uint64_t[needed]());
    mask_count_ = needed;
    indexed = 0;
  }
  size_t first = indexed / kChunk;
  size_t last = (end_ + kChunk - 1) / kChunk;
  if (last > first) {
    kNewlineMasks(data_ + first * kChunk, last - first, masks_.get() + first);
    // The bytes after end_ are stale or padding: their bits must not count.
    if (end_ % kChunk != 0) masks_[last - 1] &= (uint64_t{1} << (end_ % kChunk)) - 1;
  }
}

}  // namespace sockfilter
