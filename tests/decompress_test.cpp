// Compressed inputs, made by the real gzip and zstd tools.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "analyzer/byte_source.h"
#include "analyzer/line_reader.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

struct Decoded {
  std::string bytes;
  Status status;
  Compression compression = Compression::kNone;
};

// Opens `path` by magic bytes and reads it to the end, `read_size` bytes at a time.
Decoded Decode(const std::string& path, size_t read_size = 1 << 20) {
  Decoded decoded;
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  if (!source.ok()) {
    decoded.status = source.status();
    return decoded;
  }
  decoded.compression = (*source)->compression();
  std::vector<char> buf(read_size);
  for (;;) {
    Result<size_t> n = (*source)->Read(buf.data(), buf.size());
    if (!n.ok()) {
      decoded.status = n.status();
      break;
    }
    if (*n == 0) break;
    decoded.bytes.append(buf.data(), *n);
  }
  return decoded;
}

// Some megabytes of log text that compresses well but not trivially.
std::string LogText(int seed, size_t lines) {
  std::string text;
  std::string noise = test::RandomBytes(static_cast<uint64_t>(seed), lines * 2);
  for (size_t i = 0; i < lines; ++i) {
    text += "2024-03-11 03:13:" + std::to_string(10 + i % 50) + " INFO [worker-" +
            std::to_string(static_cast<unsigned char>(noise[2 * i]) % 16) + "] served 10.0.3." +
            std::to_string(static_cast<unsigned char>(noise[2 * i + 1])) + ": GET /api/items/" +
            std::to_string(i * 7919 % 100003) + " 200\n";
  }
  return text;
}

class Files {
 public:
  // Writes `text` to `name` and returns the path.
  std::string Plain(const std::string& name, std::string_view text) {
    std::string path = dir_.File(name);
    test::WriteFile(path, text);
    return path;
  }
  // Compresses `text` with the real tool (`gzip -c` or `zstd -q -c`) into `name`.
  std::string Compressed(const std::string& tool, const std::string& name, std::string_view text) {
    std::string plain = Plain(name + ".src", text);
    std::string path = dir_.File(name);
    REQUIRE(test::Shell(tool + " < '" + plain + "' > '" + path + "'") == 0);
    return path;
  }
  std::string Cat(const std::string& name, const std::vector<std::string>& parts) {
    std::string all;
    for (const std::string& part : parts) all += test::ReadFile(part);
    return Plain(name, all);
  }
  std::string Path(const std::string& name) const { return dir_.File(name); }

 private:
  test::TempDir dir_;
};

const std::string kGzip = "gzip -c";
const std::string kZstd = "zstd -q -c";

TEST_CASE("A multi-member gzip file (cat a.gz b.gz) decodes to both texts in order") {
  Files files;
  std::string a = LogText(1, 2000), b = LogText(2, 3000);
  std::string ab =
      files.Cat("ab.gz", {files.Compressed(kGzip, "a.gz", a), files.Compressed(kGzip, "b.gz", b)});
  for (size_t read_size : {1, 7, 4096, 1 << 20}) {
    INFO("read size " << read_size);
    Decoded decoded = Decode(ab, read_size);
    CHECK(decoded.status.ok());
    CHECK(decoded.compression == Compression::kGzip);
    CHECK(decoded.bytes == a + b);
  }
}

TEST_CASE("A multi-frame zstd file decodes to every frame in order") {
  Files files;
  std::string a = LogText(3, 2000), b = LogText(4, 3000);
  std::string ab = files.Cat(
      "ab.zst", {files.Compressed(kZstd, "a.zst", a), files.Compressed(kZstd, "b.zst", b)});
  for (size_t read_size : {1, 7, 4096, 1 << 20}) {
    INFO("read size " << read_size);
    Decoded decoded = Decode(ab, read_size);
    CHECK(decoded.status.ok());
    CHECK(decoded.compression == Compression::kZstd);
    CHECK(decoded.bytes == a + b);
  }
}

TEST_CASE("Large compressed files decode whole whatever the read size") {
  Files files;
  std::string text = LogText(5, 40000);  // about 3 MiB
  for (const std::string& tool : {kGzip, kZstd, std::string("zstd -q --no-check -c")}) {
    std::string path = files.Compressed(tool, "big", text);
    for (size_t read_size : {1000, 65536, 131072, 1 << 20, 3 << 20}) {
      INFO(tool << ", read size " << read_size);
      Decoded decoded = Decode(path, read_size);
      CHECK(decoded.status.ok());
      CHECK(decoded.bytes.size() == text.size());
      CHECK(decoded.bytes == text);
    }
  }
}

TEST_CASE("A zstd frame without checksum decodes whole with tiny reads") {
  // The last block's bytes are all consumed while its output still waits to be handed out.
  Files files;
  std::string text = LogText(16, 500);
  std::string path = files.Compressed("zstd -q --no-check -c", "nocheck.zst", text);
  for (size_t read_size : {1, 7, 100, 4096}) {
    INFO("read size " << read_size);
    Decoded decoded = Decode(path, read_size);
    CHECK(decoded.status.ok());
    CHECK(decoded.bytes == text);
  }
}

TEST_CASE("Compressed empty input decodes to nothing, without an error") {
  Files files;
  for (const std::string& tool : {kGzip, kZstd}) {
    Decoded decoded = Decode(files.Compressed(tool, "empty", ""));
    CHECK(decoded.status.ok());
    CHECK(decoded.bytes.empty());
    CHECK(decoded.compression != Compression::kNone);
  }
}

TEST_CASE("The format comes from the magic bytes, never from the name") {
  Files files;
  std::string text = LogText(6, 100);
  Decoded plain_named_gz = Decode(files.Plain("plain.gz", text));
  CHECK(plain_named_gz.status.ok());
  CHECK(plain_named_gz.compression == Compression::kNone);
  CHECK(plain_named_gz.bytes == text);

  Decoded gzip_named_log = Decode(files.Compressed(kGzip, "app.log", text));
  CHECK(gzip_named_log.compression == Compression::kGzip);
  CHECK(gzip_named_log.bytes == text);

  Decoded zstd_named_txt = Decode(files.Compressed(kZstd, "app.txt", text));
  CHECK(zstd_named_txt.compression == Compression::kZstd);
  CHECK(zstd_named_txt.bytes == text);
}

TEST_CASE("Plain files that start like a magic number stay plain") {
  Files files;
  for (std::string text : {std::string("\x1f"), std::string("\x1f\n"), std::string("\x28\xb5\x2f"),
                           std::string("\x28\xb5\nline\n")}) {
    Decoded decoded = Decode(files.Plain("short.log", text));
    CHECK(decoded.status.ok());
    CHECK(decoded.compression == Compression::kNone);
    CHECK(decoded.bytes == text);
  }
}

// The decodable prefix is handed out, then an error names the file.
void CheckPrefixThenError(const Decoded& decoded, const std::string& path,
                          const std::string& original) {
  CHECK_FALSE(decoded.status.ok());
  CHECK(decoded.status.message().find(path) != std::string::npos);
  CHECK(decoded.bytes.size() <= original.size());
  CHECK(original.compare(0, decoded.bytes.size(), decoded.bytes) == 0);
}

TEST_CASE("A truncated gzip file hands out what it can, then an error naming the file") {
  Files files;
  std::string text = LogText(7, 20000);
  std::string gz = test::ReadFile(files.Compressed(kGzip, "whole.gz", text));
  std::string path = files.Plain("cut.gz", gz.substr(0, gz.size() / 2));
  Decoded decoded = Decode(path);
  CheckPrefixThenError(decoded, path, text);
  CHECK(decoded.bytes.size() > text.size() / 4);
  CHECK(decoded.status.message().find("truncated") != std::string::npos);

  // Only the 8-byte trailer (CRC and length) missing.
  std::string no_trailer = files.Plain("no-trailer.gz", gz.substr(0, gz.size() - 8));
  CheckPrefixThenError(Decode(no_trailer), no_trailer, text);
}

TEST_CASE("A gzip file with trailing garbage hands out all its data, then an error") {
  Files files;
  std::string text = LogText(8, 3000);
  std::string gz = test::ReadFile(files.Compressed(kGzip, "whole.gz", text));
  std::string path = files.Plain("garbage.gz", gz + "this is not gzip\n");
  Decoded decoded = Decode(path);
  CheckPrefixThenError(decoded, path, text);
  CHECK(decoded.bytes == text);
}

TEST_CASE("A gzip file with a corrupt middle is an error naming the file") {
  Files files;
  std::string text = LogText(9, 20000);
  std::string gz = test::ReadFile(files.Compressed(kGzip, "whole.gz", text));
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(~gz[i]);
  std::string path = files.Plain("corrupt.gz", gz);
  // Deflate cannot tell bad data before the member's CRC, so what came out may differ.
  Decoded decoded = Decode(path);
  CHECK_FALSE(decoded.status.ok());
  CHECK(decoded.status.message().find(path) != std::string::npos);
}

TEST_CASE("A cut zstd file hands out what it can, then an error naming the file") {
  Files files;
  std::string text = LogText(10, 20000);
  std::string zst = test::ReadFile(files.Compressed(kZstd, "whole.zst", text));
  for (size_t keep : {zst.size() / 2, zst.size() - 1, size_t{6}}) {
    std::string path = files.Plain("cut.zst", zst.substr(0, keep));
    INFO("kept " << keep << " of " << zst.size() << " bytes");
    CheckPrefixThenError(Decode(path), path, text);
  }
}

TEST_CASE("A zstd file with trailing garbage hands out all its data, then an error") {
  Files files;
  std::string text = LogText(11, 3000);
  std::string zst = test::ReadFile(files.Compressed(kZstd, "whole.zst", text));
  std::string path = files.Plain("garbage.zst", zst + "this is not zstd\n");
  Decoded decoded = Decode(path);
  CheckPrefixThenError(decoded, path, text);
  CHECK(decoded.bytes == text);
}

TEST_CASE("Compressed standard input is decoded too") {
  Files files;
  std::string text = LogText(12, 5000);
  for (const std::string& tool : {kGzip, kZstd}) {
    std::string compressed = test::ReadFile(files.Compressed(tool, "stdin", text));
    test::ProcessResult run = test::RunSockfilter({}, compressed);
    CHECK(run.exit_code == 0);
    CHECK(run.err.empty());
    CHECK(run.out == text);
  }
}

TEST_CASE("The binary reports a bad file in one line and goes on with the others") {
  Files files;
  std::string a = LogText(13, 3000), b = LogText(14, 3000), c = LogText(15, 3000);
  std::string gz = test::ReadFile(files.Compressed(kGzip, "b.gz", b));
  std::string cut = files.Plain("cut.log.gz", gz.substr(0, gz.size() / 2));
  std::string first = files.Plain("a.log", a);
  std::string last = files.Compressed(kZstd, "c.log.zst", c);

  test::ProcessResult run = test::RunSockfilter({first, cut, last});
  CHECK(run.exit_code == 1);
  // One error line, naming the file.
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  CHECK(run.err.find(cut) != std::string::npos);
  CHECK(run.err.find("Broken pipe") == std::string::npos);
  // Everything of a, a prefix of b, everything of c.
  REQUIRE(run.out.size() >= a.size() + c.size());
  CHECK(run.out.compare(0, a.size(), a) == 0);
  CHECK(run.out.compare(run.out.size() - c.size(), c.size(), c) == 0);
  std::string middle = run.out.substr(a.size(), run.out.size() - a.size() - c.size());
  // The prefix of b stops mid-line; c's first line still starts a line of its own.
  REQUIRE(!middle.empty());
  CHECK(middle.back() == '\n');
  std::string prefix = middle;
  if (b.compare(0, prefix.size(), prefix) != 0) prefix.pop_back();  // the newline added
  CHECK(b.compare(0, prefix.size(), prefix) == 0);
  CHECK(prefix.size() > b.size() / 4);
}

}  // namespace
}  // namespace sockfilter
