#include <zstd.h>

#include <vector>

#include "analyzer/decompress_source.h"

namespace sockfilter {

namespace {

class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), buf_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Result<size_t> Read(char* out, size_t size) override {
    if (done_) return size_t{0};
    ZSTD_outBuffer output = {out, size, 0};
    for (;;) {
      if (input_.pos == input_.size) {
        Result<size_t> n = in_->Read(buf_.data(), buf_.size());
        if (!n.ok()) return n.status();
        if (*n == 0) {
          done_ = true;
          // `pending_` is ZSTD's hint of bytes still needed: 0 means every frame is complete.
          if (pending_ != 0) return Status::Error(in_->name() + ": truncated zstd data");
          return size_t{0};
        }
        input_ = {buf_.data(), *n, 0};
      }
      pending_ = ZSTD_decompressStream(dctx_, &output, &input_);
      if (ZSTD_isError(pending_)) {
        done_ = true;
        return Status::Error(in_->name() + ": corrupt zstd data (" + ZSTD_getErrorName(pending_) +
                             ")");
      }
      if (output.pos > 0) return output.pos;
    }
  }

  bool WaitReadable(int timeout_ms) override {
    return input_.pos < input_.size || in_->WaitReadable(timeout_ms);
  }
  const std::string& name() const override { return in_->name(); }
  bool live() const override { return in_->live(); }
  Compression compression() const override { return Compression::kZstd; }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<char> buf_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_ = {nullptr, 0, 0};
  size_t pending_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> MakeZstdSource(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<ZstdSource>(std::move(compressed));
}

}  // namespace sockfilter
