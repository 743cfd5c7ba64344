// Fuzz target: the gzip and zstd sources, and format detection, on arbitrary bytes.
//
// Two halves, chosen by the first byte:
//   - arbitrary bytes as compressed input (also through OpenDescriptor's magic-number
//     detection): no crash, no read returns more than asked, and output stays bounded
//     (a small input cannot make us buffer more than the caller asked for);
//   - the data compressed by the real zlib and libzstd, as two gzip members or two zstd
//     frames: decoding gives the data back exactly, in any read sizes; cut short at any
//     byte it gives a prefix of the data and an error (unless cut between members);
//     followed by garbage it gives all the data, then an error.
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>
#include <string>

#include "analyzer/byte_source.h"
#include "analyzer/decompress_source.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

// Output beyond this is not read: a few bytes of zstd can describe gigabytes.
constexpr size_t kMaxOutput = 8 << 20;

struct Decoded {
  std::string bytes;
  bool ok = true;
};

Decoded Drain(ByteSource* source, size_t read_size) {
  Decoded result;
  std::string buf(read_size, '\0');
  while (result.bytes.size() < kMaxOutput) {
    Result<size_t> n = source->Read(buf.data(), read_size);
    if (!n.ok()) {
      FUZZ_CHECK(n.status().message().find("fuzz-input") != std::string::npos);
      result.ok = false;
      break;
    }
    FUZZ_CHECK(*n <= read_size);
    if (*n == 0) break;
    result.bytes.append(buf.data(), *n);
  }
  return result;
}

std::string Gzip(std::string_view data) {
  z_stream z = {};
  FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  FUZZ_CHECK(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::unique_ptr<ByteSource> Decoder(bool gzip, std::string_view compressed, size_t chunk) {
  auto raw = std::make_unique<MemorySource>(compressed, chunk);
  return gzip ? MakeGzipSource(std::move(raw)) : MakeZstdSource(std::move(raw));
}

// Arbitrary bytes: through both decoders and through detection from a file descriptor.
void Arbitrary(FuzzInput* in) {
  size_t chunk = in->TakeInRange(1, 4096);
  size_t read_size = in->TakeInRange(1, 70000);
  std::string_view bytes = in->Rest();
  for (bool gzip : {true, false}) Drain(Decoder(gzip, bytes, chunk).get(), read_size);

  int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  lseek(fd, 0, SEEK_SET);
  Result<std::unique_ptr<ByteSource>> source = OpenDescriptor(fd, "fuzz-input", true);
  FUZZ_CHECK(source.ok());
  Decoded plain = Drain(source->get(), read_size);
  // Without a magic number the bytes pass through untouched.
  if ((*source)->compression() == Compression::kNone) {
    FUZZ_CHECK(plain.ok);
    FUZZ_CHECK(plain.bytes == bytes);
  }
}

// The real compressors' output: exact round trip, truncation and trailing garbage.
void RoundTrip(FuzzInput* in) {
  bool gzip = in->TakeBool();
  size_t chunk = in->TakeInRange(1, 4096);
  size_t read_size = in->TakeInRange(1, 70000);
  size_t split = in->TakeInRange(0, 65535);
  size_t cut = in->TakeInRange(0, 65535);
  std::string_view data = in->Rest();
  split = data.empty() ? 0 : split % (data.size() + 1);
  std::string first = gzip ? Gzip(data.substr(0, split)) : Zstd(data.substr(0, split));
  std::string whole = first + (gzip ? Gzip(data.substr(split)) : Zstd(data.substr(split)));

  Decoded full = Drain(Decoder(gzip, whole, chunk).get(), read_size);
  FUZZ_CHECK(full.ok);
  FUZZ_CHECK(full.bytes == data);

  cut = 1 + cut % (whole.size() - 1);  // 1 .. size-1: always short
  Decoded part =
      Drain(Decoder(gzip, std::string_view(whole).substr(0, cut), chunk).get(), read_size);
  FUZZ_CHECK(data.substr(0, part.bytes.size()) == part.bytes);
  if (cut != first.size()) FUZZ_CHECK(!part.ok);
  if (cut == first.size() && part.ok) FUZZ_CHECK(part.bytes == data.substr(0, split));

  std::string garbage = whole + "\x01garbage";
  Decoded trailing = Drain(Decoder(gzip, garbage, chunk).get(), read_size);
  FUZZ_CHECK(!trailing.ok);
  FUZZ_CHECK(trailing.bytes == data);
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sockfilter::fuzz::FuzzInput in(data, size);
  if (in.TakeBool()) {
    sockfilter::fuzz::RoundTrip(&in);
  } else {
    sockfilter::fuzz::Arbitrary(&in);
  }
  return 0;
}
