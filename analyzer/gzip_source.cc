#include <zlib.h>

#include <cstring>
#include <vector>

#include "analyzer/decompress_source.h"

namespace sockfilter {

namespace {

constexpr size_t kInputBlock = 256 * 1024;

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)), buf_(kInputBlock) {
    memset(&z_, 0, sizeof z_);
    inflateInit2(&z_, 16 + MAX_WBITS);  // gzip wrapper only
  }
  ~GzipSource() override { inflateEnd(&z_); }

  Result<size_t> Read(char* out, size_t size) override {
    if (done_) return size_t{0};
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    for (;;) {
      if (z_.avail_in == 0) {
        Result<size_t> n = in_->Read(reinterpret_cast<char*>(buf_.data()), buf_.size());
        if (!n.ok()) return n.status();
        if (*n == 0) return EndOfCompressedInput();
        z_.next_in = buf_.data();
        z_.avail_in = static_cast<uInt>(*n);
      }
      if (between_members_) {
        if (!StartNextMember()) return Status::Error(TrailingGarbageMessage());
        continue;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        between_members_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        done_ = true;
        return Status::Error(in_->name() + ": corrupt gzip data (" +
                             (z_.msg ? z_.msg : "inflate failed") + ")");
      }
      size_t produced = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - out);
      if (produced > 0) return produced;
    }
  }

  bool WaitReadable(int timeout_ms) override {
    return z_.avail_in > 0 || in_->WaitReadable(timeout_ms);
  }
  const std::string& name() const override { return in_->name(); }
  bool live() const override { return in_->live(); }
  Compression compression() const override { return Compression::kGzip; }

 private:
  // Between members, the next bytes must be another gzip header. Anything else is trailing
  // garbage: gzip(1) warns and ignores it; we report it, having delivered all the data.
  bool StartNextMember() {
    if (z_.avail_in >= 1 && z_.next_in[0] != 0x1f) return false;
    if (z_.avail_in >= 2 && z_.next_in[1] != 0x8b) return false;
    inflateReset(&z_);
    between_members_ = false;
    return true;
  }

  Result<size_t> EndOfCompressedInput() {
    done_ = true;
    if (between_members_) return size_t{0};
    return Status::Error(in_->name() + ": truncated gzip data (unexpected end of file)");
  }

  std::string TrailingGarbageMessage() {
    done_ = true;
    return in_->name() + ": trailing garbage after gzip data";
  }

  std::unique_ptr<ByteSource> in_;
  std::vector<Bytef> buf_;
  z_stream z_;
  bool between_members_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<GzipSource>(std::move(compressed));
}

}  // namespace sockfilter
