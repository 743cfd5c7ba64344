#include "analyzer/compress_sink.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sockfilter {

namespace {

constexpr size_t kBlockBytes = 1 << 20;
constexpr size_t kOutBytes = 256 * 1024;
constexpr int kSpareBlocks = 2;  // with the one being filled: the encoder never waits on us

// Receives each piece of encoded output.
using Emit = void (*)(void* context, const char* data, size_t size);

}  // namespace

class CompressSink::Encoder {
 public:
  virtual ~Encoder() = default;
  // Encodes `size` bytes (and ends the stream when `last`), passing output to emit.
  virtual Status Encode(const char* data, size_t size, bool last, Emit emit, void* context) = 0;
};

namespace {

class PlainEncoder : public CompressSink::Encoder {
 public:
  Status Encode(const char* data, size_t size, bool, Emit emit, void* context) override {
    if (size > 0) emit(context, data, size);
    return Status::Ok();
  }
};

class GzipEncoder : public CompressSink::Encoder {
 public:
  explicit GzipEncoder(int level) : out_(kOutBytes) {
    memset(&z_, 0, sizeof z_);
    // windowBits 15 + 16: a gzip header and trailer, as gzip(1) writes them.
    init_ = deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  }
  ~GzipEncoder() override { deflateEnd(&z_); }

  Status Encode(const char* data, size_t size, bool last, Emit emit, void* context) override {
    if (init_ != Z_OK) return Status::Error("gzip: cannot initialise the compressor");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z_.avail_in = static_cast<uInt>(size);
    int flush = last ? Z_FINISH : Z_NO_FLUSH;
    for (;;) {
      z_.next_out = out_.data();
      z_.avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Error("gzip: compression failed");
      size_t produced = out_.size() - z_.avail_out;
      if (produced > 0) emit(context, reinterpret_cast<char*>(out_.data()), produced);
      if (last ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) break;
    }
    return Status::Ok();
  }

 private:
  z_stream z_;
  int init_;
  std::vector<Bytef> out_;
};

class ZstdEncoder : public CompressSink::Encoder {
 public:
  explicit ZstdEncoder(int level) : cctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {
    if (cctx_ != nullptr) ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(cctx_); }

  Status Encode(const char* data, size_t size, bool last, Emit emit, void* context) override {
    if (cctx_ == nullptr) return Status::Error("zstd: cannot initialise the compressor");
    ZSTD_inBuffer in{data, size, 0};
    ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(remaining))
        return Status::Error(std::string("zstd: ") + ZSTD_getErrorName(remaining));
      if (out.pos > 0) emit(context, out_.data(), out.pos);
      if (last ? remaining == 0 : in.pos == in.size) break;
    }
    return Status::Ok();
  }

 private:
  ZSTD_CCtx* cctx_;
  std::vector<char> out_;
};

std::unique_ptr<CompressSink::Encoder> MakeEncoder(Compression compression, int level) {
  switch (compression) {
    case Compression::kGzip:
      return std::make_unique<GzipEncoder>(level > 0 ? level : CompressSink::kDefaultGzipLevel);
    case Compression::kZstd:
      return std::make_unique<ZstdEncoder>(level > 0 ? level : CompressSink::kDefaultZstdLevel);
    case Compression::kNone:
      break;
  }
  return std::make_unique<PlainEncoder>();
}

}  // namespace

CompressSink::CompressSink(int fd, std::string name, Compression compression, int level)
    : fd_(fd), name_(std::move(name)), encoder_(MakeEncoder(compression, level)) {
  current_.data.reset(new char[kBlockBytes]);
  if (compression == Compression::kNone) return;  // copying out needs no thread
  for (int i = 0; i < kSpareBlocks; ++i)
    spare_.push_back(Block{std::make_unique<char[]>(kBlockBytes)});
  encoder_thread_ = std::thread([this] { EncoderLoop(); });
}

CompressSink::~CompressSink() {
  if (!encoder_thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  encoder_thread_.join();
}

void CompressSink::Write(std::string_view bytes) {
  bytes_in_ += bytes.size();
  while (!bytes.empty() && ok()) {
    size_t n = std::min(bytes.size(), kBlockBytes - current_.size);
    memcpy(current_.data.get() + current_.size, bytes.data(), n);
    current_.size += n;
    bytes.remove_prefix(n);
    if (current_.size == kBlockBytes) HandOff(false);
  }
}

void CompressSink::Finish() {
  if (finished_) return;
  finished_ = true;
  HandOff(true);
  if (encoder_thread_.joinable()) encoder_thread_.join();
}

void CompressSink::HandOff(bool last) {
  current_.last = last;
  if (!encoder_thread_.joinable()) {
    Encode(current_);
    current_.size = 0;
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !spare_.empty(); });  // the encoder always gives blocks back
  ready_.push_back(std::move(current_));
  current_ = std::move(spare_.back());
  spare_.pop_back();
  current_.size = 0;
  lock.unlock();
  cv_.notify_all();
}

void CompressSink::EncoderLoop() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !ready_.empty() || stop_; });
    if (ready_.empty()) return;  // stopped without Finish()
    Block block = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    Encode(block);
    bool last = block.last;
    lock.lock();
    spare_.push_back(std::move(block));
    lock.unlock();
    cv_.notify_all();
    if (last) return;
  }
}

void CompressSink::Encode(const Block& block) {
  if (!status_.ok()) return;  // after a failure, blocks are only drained
  auto emit = [](void* context, const char* data, size_t size) {
    static_cast<CompressSink*>(context)->WriteAll(data, size);
  };
  Status s = encoder_->Encode(block.data.get(), block.size, block.last, emit, this);
  if (!s.ok()) Fail(Status::Error(name_ + ": " + s.message()));
}

void CompressSink::Fail(Status status) {
  if (!status_.ok()) return;
  status_ = std::move(status);
  failed_.store(true, std::memory_order_relaxed);
}

void CompressSink::WriteAll(const char* data, size_t size) {
  while (size > 0 && status_.ok()) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(Status::Error(name_ + ": write failed: " + strerror(errno)));
      return;
    }
    data += n;
    size -= static_cast<size_t>(n);
    bytes_out_ += static_cast<uint64_t>(n);
  }
}

}  // namespace sockfilter
