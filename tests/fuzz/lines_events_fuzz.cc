// Fuzz target: the line reader and the event assembler on arbitrary bytes.
//
// Invariants, for any input, read in chunks of any size with any line and event limits:
//   - the lines tile the input: their bytes joined are the input, offsets are contiguous;
//   - every line is counted once: lines that end (non-partial) are the newlines plus a
//     last unterminated line, numbered 1, 2, 3, ...; a piece is exactly max_line_bytes;
//   - the events tile the input the same way and their line counts add up to the lines;
//     each event's first_line is the number of the line it starts in;
//   - the events do not depend on how the source splits its reads (tiny chunks and tiny
//     blocks give the same events as one big read).
#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/event_assembler.h"
#include "analyzer/line_reader.h"
#include "rules/rule_files.h"
#include "rules/rule_loader.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

const RuleBook& Rules() {
  static const RuleBook* book = [] {
    Result<RuleBook> loaded = LoadRuleBook(EmbeddedRuleFiles());
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      std::abort();
    }
    return new RuleBook(std::move(*loaded));
  }();
  return *book;
}

struct Seen {
  std::string raw;
  uint64_t first_line;
  uint32_t line_count;
  EventKind kind;
  bool operator==(const Seen&) const = default;
};

class CheckingSink : public EventSink {
 public:
  explicit CheckingSink(std::string_view input) : input_(input) {}

  void OnEvent(const Event& event) override {
    FUZZ_CHECK(event.kind != EventKind::kMarker);
    FUZZ_CHECK(!event.raw.empty());
    FUZZ_CHECK(event.offset == offset_);
    FUZZ_CHECK(event.raw == input_.substr(offset_, event.raw.size()));
    FUZZ_CHECK(event.first_line == lines_ + 1);
    offset_ += event.raw.size();
    lines_ += event.line_count;
    events_.push_back({std::string(event.raw), event.first_line, event.line_count, event.kind});
  }

  uint64_t offset() const { return offset_; }
  uint64_t lines() const { return lines_; }
  const std::vector<Seen>& events() const { return events_; }

 private:
  std::string_view input_;
  uint64_t offset_ = 0;
  uint64_t lines_ = 0;
  std::vector<Seen> events_;
};

uint64_t ExpectedLines(std::string_view input) {
  uint64_t newlines = static_cast<uint64_t>(std::count(input.begin(), input.end(), '\n'));
  return newlines + (!input.empty() && input.back() != '\n' ? 1 : 0);
}

void CheckLine(const Line& line, std::string_view input, uint64_t offset, uint64_t ended,
               bool in_piece, size_t max_line_bytes) {
  FUZZ_CHECK(line.offset == offset);
  FUZZ_CHECK(!line.raw.empty());
  FUZZ_CHECK(line.raw == input.substr(offset, line.raw.size()));
  FUZZ_CHECK(line.number == ended + 1);
  FUZZ_CHECK(line.piece == (line.partial || in_piece));
  FUZZ_CHECK(line.raw.size() <= max_line_bytes);
  if (line.partial) FUZZ_CHECK(line.raw.size() == max_line_bytes);
  size_t newline = line.raw.find('\n');
  FUZZ_CHECK(newline == std::string_view::npos || newline == line.raw.size() - 1);
  if (!line.partial && offset + line.raw.size() < input.size()) FUZZ_CHECK(line.raw.back() == '\n');
  FUZZ_CHECK(line.raw.substr(0, line.text.size()) == line.text);
}

std::vector<Seen> Assemble(std::string_view input, size_t chunk, LineReader::Options reader_options,
                           EventLimits limits) {
  MemorySource source(input, chunk);
  LineReader reader(&source, reader_options);
  CheckingSink sink(input);
  InputInfo info{"fuzz-input"};
  EventAssembler assembler(Rules().multiline, &reader, &sink, limits, &info);
  Line line;
  uint64_t offset = 0, ended = 0;
  bool in_piece = false;
  while (reader.Next(&line)) {
    CheckLine(line, input, offset, ended, in_piece, reader_options.max_line_bytes);
    offset += line.raw.size();
    if (!line.partial) ++ended;
    in_piece = line.partial;
    assembler.OnLine(line);
  }
  assembler.Flush();
  FUZZ_CHECK(reader.status().ok());
  FUZZ_CHECK(offset == input.size());
  FUZZ_CHECK(ended == ExpectedLines(input));
  FUZZ_CHECK(sink.offset() == input.size());
  FUZZ_CHECK(sink.lines() == ended);
  return sink.events();
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  fuzz::FuzzInput in(data, size);
  size_t chunk = in.TakeInRange(1, 97);
  LineReader::Options small;
  small.block_bytes = in.TakeInRange(1, 64);
  small.max_line_bytes = in.TakeInRange(1, 300);
  EventLimits limits;
  limits.max_lines = static_cast<uint32_t>(in.TakeInRange(1, 40));
  limits.max_bytes = in.TakeInRange(1, 2000);
  std::string_view input = in.Rest();

  std::vector<fuzz::Seen> tiny = fuzz::Assemble(input, chunk, small, limits);
  LineReader::Options big = small;
  big.block_bytes = 1 << 16;
  std::vector<fuzz::Seen> whole = fuzz::Assemble(input, input.size() + 1, big, limits);
  FUZZ_CHECK(tiny == whole);
  return 0;
}
