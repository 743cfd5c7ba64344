#include "analyzer/line_reader.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "analyzer/read_ahead_source.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

struct Got {
  std::string raw;
  std::string text;
  uint64_t offset;
  uint64_t number;
  bool partial;
  bool piece;
  bool operator==(const Got&) const = default;
};

std::vector<Got> ReadAll(std::string input, size_t chunk = 1 << 20,
                         LineReader::Options options = LineReader::Options()) {
  auto source = test::StringSource(std::move(input), chunk);
  LineReader reader(source.get(), options);
  std::vector<Got> lines;
  Line line;
  while (reader.Next(&line)) {
    lines.push_back({std::string(line.raw), std::string(line.text), line.offset, line.number,
                     line.partial, line.piece});
  }
  REQUIRE(reader.status().ok());
  return lines;
}

std::string Joined(const std::vector<Got>& lines) {
  std::string all;
  for (const Got& line : lines) all += line.raw;
  return all;
}

// Byte i of a long line without newlines: varied, never '\n'.
char LongLineByte(uint64_t i) {
  char c = static_cast<char>((i * 131 + (i >> 13)) & 0xff);
  return c == '\n' ? 'n' : c;
}

TEST_CASE("Lines end at LF and at CRLF, and the terminator is kept in raw only") {
  std::vector<Got> lines = ReadAll("one\ntwo\r\nthree\n");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].raw == "one\n");
  CHECK(lines[0].text == "one");
  CHECK(lines[1].raw == "two\r\n");
  CHECK(lines[1].text == "two");
  CHECK(lines[2].text == "three");
  CHECK(lines[2].offset == 9);
  CHECK(lines[2].number == 3);
}

TEST_CASE("A lone CR is part of the line, not a terminator") {
  std::vector<Got> lines = ReadAll("a\rb\n\r\n\r");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "a\rb");
  CHECK(lines[1].text == "");
  CHECK(lines[1].raw == "\r\n");
  CHECK(lines[2].raw == "\r");
}

TEST_CASE("A final line without newline is handed out") {
  std::vector<Got> lines = ReadAll("first\nlast without newline");
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].raw == "last without newline");
  CHECK(lines[1].text == "last without newline");
  CHECK_FALSE(lines[1].partial);
}

TEST_CASE("Empty input gives no line and an ok status") {
  CHECK(ReadAll("").empty());
  CHECK(ReadAll("", 1).empty());
}

TEST_CASE("Blank lines are lines") {
  std::vector<Got> lines = ReadAll("\n\n\n");
  REQUIRE(lines.size() == 3);
  CHECK(lines[2].number == 3);
  CHECK(lines[2].offset == 2);
}

TEST_CASE("NUL bytes and invalid UTF-8 pass through untouched") {
  std::string input("a\0b\xff\xfe\xc3\x28\n\0\n\xed\xa0\x80 end", 18);
  std::vector<Got> lines = ReadAll(input, 3);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].raw == std::string("a\0b\xff\xfe\xc3\x28\n", 8));
  CHECK(lines[1].raw == std::string("\0\n", 2));
  CHECK(Joined(lines) == input);
}

TEST_CASE("A 64 MiB line passes through whole, in pieces, byte for byte") {
  const uint64_t kSize = 64ull << 20;
  std::string input(kSize, '\0');
  for (uint64_t i = 0; i < kSize; ++i) input[i] = LongLineByte(i);
  input += "\nnext\n";
  auto source = test::StringSource(std::move(input), 1 << 20);
  LineReader reader(source.get());
  Line line;
  uint64_t offset = 0, pieces = 0;
  bool same = true;
  while (reader.Next(&line) && line.number == 1) {
    CHECK(line.piece);
    CHECK(line.offset == offset);
    CHECK(line.raw.size() <= LineReader::Options().max_line_bytes);
    for (size_t i = 0; i < line.raw.size() && same; ++i) {
      if (offset + i < kSize) same = line.raw[i] == LongLineByte(offset + i);
    }
    offset += line.raw.size();
    ++pieces;
    if (!line.partial) {
      CHECK(line.raw.back() == '\n');
      CHECK(line.text.size() == line.raw.size() - 1);
    }
  }
  CHECK(same);
  CHECK(offset == kSize + 1);
  CHECK(pieces >= 16);
  CHECK(line.number == 2);
  CHECK(line.raw == "next\n");
  CHECK_FALSE(line.piece);
}

TEST_CASE("Pieces are the same whatever the read sizes, even when a newline is already read") {
  std::string input =
      std::string(100, 'x') + "\n" + std::string(25, 'y') + "\nz\n" + std::string(30, 'w');
  LineReader::Options options;
  options.block_bytes = 256;
  options.max_line_bytes = 16;
  std::vector<Got> whole = ReadAll(input, 1 << 20, options);
  CHECK(Joined(whole) == input);
  for (const Got& line : whole) CHECK(line.raw.size() <= 16);
  for (size_t chunk : {1, 7, 16, 17, 4096}) {
    for (size_t block : {1, 7, 64, 256}) {
      options.block_bytes = block;
      INFO("chunk " << chunk << ", block " << block);
      CHECK(ReadAll(input, chunk, options) == whole);
    }
  }
}

TEST_CASE("Every block size and read size gives the same lines") {
  std::string input;
  for (int i = 0; i < 300; ++i) {
    input += "2024-03-11 03:13:29.842 line " + std::to_string(i) +
             std::string(static_cast<size_t>(i * 37 % 200), 'a' + i % 26);
    input += i % 5 == 0 ? "\r\n" : "\n";
    if (i % 17 == 0) input += "\n";
    if (i % 23 == 0) input += std::string("\0\xff\t\r", 4) + "\n";
  }
  input += "tail without newline";
  std::vector<Got> expected = ReadAll(input);
  REQUIRE(Joined(expected) == input);
  for (size_t block : {1, 2, 7, 64, 4096, 256 * 1024}) {
    for (size_t chunk : {1, 7, 64, 4096, 1 << 20}) {
      LineReader::Options options;
      options.block_bytes = block;
      INFO("block " << block << ", chunk " << chunk);
      CHECK(ReadAll(input, chunk, options) == expected);
    }
  }
}

// What the reader must hand out, computed the plain way: split after each '\n'; a line
// (terminator included) longer than max_line_bytes comes in pieces of exactly that size.
std::vector<Got> ReferenceLines(const std::string& input, size_t max_line_bytes) {
  std::vector<Got> lines;
  uint64_t number = 0;
  for (size_t pos = 0; pos < input.size();) {
    size_t nl = input.find('\n', pos);
    size_t end = nl == std::string::npos ? input.size() : nl + 1;
    ++number;
    bool pieces = false;
    for (; end - pos > max_line_bytes; pos += max_line_bytes, pieces = true) {
      std::string piece = input.substr(pos, max_line_bytes);
      lines.push_back({piece, piece, pos, number, true, true});
    }
    std::string raw = input.substr(pos, end - pos);
    std::string text = raw;
    if (nl != std::string::npos) {
      text.pop_back();
      if (!text.empty() && text.back() == '\r') text.pop_back();
    }
    lines.push_back({raw, text, pos, number, false, pieces});
    pos = end;
  }
  return lines;
}

TEST_CASE("Random inputs under random reads and limits and pins give the reference lines") {
  std::mt19937_64 rng(20261124);
  for (int round = 0; round < 800; ++round) {
    // Dense newlines, long runs without one, CRs and NULs, around the 64-byte masks.
    std::string input;
    size_t size = rng() % 5000;
    while (input.size() < size) {
      switch (rng() % 6) {
        case 0:
          input += '\n';
          break;
        case 1:
          input += "\r\n";
          break;
        case 2:
          input.append(rng() % 200, static_cast<char>('a' + rng() % 26));
          break;
        case 3:
          input.append(60 + rng() % 10, 'x');
          break;
        case 4:
          input += std::string("\0\xff", 2);
          break;
        default:
          input.append(rng() % 3000, 'y');
          break;
      }
    }
    LineReader::Options options;
    options.block_bytes = 1 + rng() % 700;
    options.max_line_bytes = 1 + rng() % 1500;
    size_t read_size = 1 + rng() % 900;
    INFO("round " << round << ", block " << options.block_bytes << ", max "
                  << options.max_line_bytes << ", read " << read_size);
    auto source = test::StringSource(input, read_size);
    // Half the rounds read through a source that lends its blocks (read-ahead), with a
    // headroom that what is kept sometimes fits in and sometimes does not.
    std::unique_ptr<ReadAheadSource> lender;
    ByteSource* from = source.get();
    if (round % 2 == 1) {
      ReadAheadSource::Options lend;
      lend.block_bytes = 1 + rng() % 900;
      lend.blocks = 3 + static_cast<int>(rng() % 3);
      lend.headroom = rng() % 2000;
      INFO("lent blocks of " << lend.block_bytes << ", headroom " << lend.headroom);
      lender = std::make_unique<ReadAheadSource>(source.get(), nullptr, lend);
      from = lender.get();
    }
    LineReader reader(from, options);
    std::vector<Got> got;
    Line line;
    uint64_t pinned = 0;
    bool pin = false;
    for (;;) {
      if (rng() % 3 == 0) reader.HasBufferedLine();
      if (!reader.Next(&line)) break;
      got.push_back({std::string(line.raw), std::string(line.text), line.offset, line.number,
                     line.partial, line.piece});
      if (pin) {
        uint64_t end = line.offset + line.raw.size();
        REQUIRE(reader.View(pinned, end) == std::string_view(input).substr(pinned, end - pinned));
      }
      if (rng() % 4 == 0) {  // hold a few lines back, as the event assembler does
        pin = rng() % 2 == 0;
        pinned = line.offset;
        if (pin)
          reader.Pin(pinned);
        else
          reader.Unpin();
      }
    }
    REQUIRE(reader.status().ok());
    CHECK(got == ReferenceLines(input, options.max_line_bytes));
  }
}

TEST_CASE("Pinned bytes stay available across refills") {
  std::string input;
  for (int i = 0; i < 2000; ++i) input += "line number " + std::to_string(i) + "\n";
  auto source = test::StringSource(input, 7);
  LineReader::Options options;
  options.block_bytes = 64;  // many refills and moves while the pin holds
  LineReader reader(source.get(), options);
  Line line;
  REQUIRE(reader.Next(&line));
  REQUIRE(reader.Next(&line));
  uint64_t pinned = line.offset;
  reader.Pin(pinned);
  while (reader.Next(&line)) {
    uint64_t end = line.offset + line.raw.size();
    REQUIRE(reader.View(pinned, end) == std::string_view(input).substr(pinned, end - pinned));
    if (line.number == 1500) {
      // Moving the pin forward lets the reader drop what is before it.
      pinned = line.offset;
      reader.Pin(pinned);
    }
  }
  CHECK(reader.bytes_read() == input.size());
}

TEST_CASE("HasBufferedLine tells whether Next would need to read") {
  auto source = test::StringSource("a\nb\npartial", 1 << 20);
  LineReader reader(source.get());
  CHECK_FALSE(reader.HasBufferedLine());
  Line line;
  REQUIRE(reader.Next(&line));
  CHECK(reader.HasBufferedLine());
  REQUIRE(reader.Next(&line));
  REQUIRE(reader.Next(&line));
  CHECK(line.raw == "partial");
  CHECK_FALSE(reader.HasBufferedLine());
  CHECK_FALSE(reader.Next(&line));
}

TEST_CASE("A read error ends the lines with a status naming the input") {
  test::TempDir dir;
  std::string path = dir.File("cut.gz");
  REQUIRE(test::Shell("printf 'a line\\nanother line\\n' | gzip -c | head -c 30 > " + path) == 0);
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  REQUIRE(source.ok());
  LineReader reader(source->get());
  Line line;
  std::string got;
  while (reader.Next(&line)) got += line.raw;
  CHECK_FALSE(reader.status().ok());
  CHECK(reader.status().message().find(path) != std::string::npos);
  CHECK(std::string("a line\nanother line\n").substr(0, got.size()) == got);
}

}  // namespace
}  // namespace sockfilter
