// Fuzz target: the whole filter chain (assembly -> classify -> dedupe -> output) on
// arbitrary bytes, with options from the input (window, keep, marker interval, dedupe and
// signature modes, a small --max-signatures so that eviction happens).
//
// Invariants:
//   - accounting: lines_in == lines_out + lines_suppressed, lines_in is every line of the
//     input, and the lines= of all markers add up to lines_suppressed;
//   - nothing is invented or reordered: the events that pass are input events, whole, in
//     input order; with --dedupe none they are the input, byte for byte, and no marker;
//   - a marker is exactly one line, at the start of a line; a JSON marker parses as JSON;
//   - the newline guard's "\n" comes only after an unterminated line;
//   - bytes_out counts every byte written, markers included;
//   - signature masking that passes over plain text in SIMD steps masks the input as the
//     byte-by-byte loop does.
#include <simdjson.h>

#include <string>

#include "analyzer/filter_chain.h"
#include "analyzer/pipeline.h"
#include "filters/signature.h"
#include "rules/rule_files.h"
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

uint64_t NumberAfter(std::string_view text, std::string_view key) {
  size_t at = text.find(key);
  FUZZ_CHECK(at != std::string_view::npos);
  uint64_t n = 0;
  for (size_t i = at + key.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
  return n;
}

// Checks each event against the input as it arrives.
class CheckingSink : public EventSink {
 public:
  explicit CheckingSink(std::string_view input) : input_(input) {}

  void OnEvent(const Event& event) override {
    bytes_ += event.raw.size();
    if (event.kind == EventKind::kMarker) {
      if (event.raw == "\n" && event.line_count == 0) {  // the newline guard's
        FUZZ_CHECK(!at_line_start_);
      } else {
        FUZZ_CHECK(at_line_start_);
        OnMarker(event.raw);
      }
    } else {
      FUZZ_CHECK(event.offset >= next_offset_);
      FUZZ_CHECK(event.raw == input_.substr(event.offset, event.raw.size()));
      next_offset_ = event.offset + event.raw.size();
      lines_ += event.line_count;
      passed_ += event.raw;
    }
    if (!event.raw.empty()) at_line_start_ = event.raw.back() == '\n';
  }

  uint64_t bytes() const { return bytes_; }
  uint64_t lines() const { return lines_; }
  uint64_t markers() const { return markers_; }
  uint64_t marker_lines() const { return marker_lines_; }
  const std::string& passed() const { return passed_; }

 private:
  void OnMarker(std::string_view raw) {
    ++markers_;
    FUZZ_CHECK(!raw.empty() && raw.back() == '\n');
    FUZZ_CHECK(raw.find('\n') == raw.size() - 1);
    if (raw.front() == '{') {
      static simdjson::dom::parser parser;
      simdjson::dom::element doc;
      FUZZ_CHECK(parser.parse(raw.data(), raw.size()).get(doc) == simdjson::SUCCESS);
      marker_lines_ += NumberAfter(raw, "\"lines\":");
    } else {
      FUZZ_CHECK(raw.starts_with("[sockfilter] suppressed repeats="));
      marker_lines_ += NumberAfter(raw, " lines=");
    }
  }

  std::string_view input_;
  uint64_t next_offset_ = 0;
  uint64_t bytes_ = 0;
  uint64_t lines_ = 0;
  uint64_t markers_ = 0;
  uint64_t marker_lines_ = 0;
  bool at_line_start_ = true;
  std::string passed_;
};

FilterOptions TakeOptions(FuzzInput* in) {
  static const double kSeconds[] = {0.001, 1, 5, 60, 300, 86400, 1e10};
  FilterOptions options;
  options.window_seconds = kSeconds[in->TakeInRange(0, 6)];
  options.marker_interval_seconds = kSeconds[in->TakeInRange(0, 6)];
  options.keep = static_cast<uint32_t>(in->TakeInRange(1, 4));
  options.dedupe = static_cast<DedupeMode>(in->TakeInRange(0, 2));
  options.signature = in->TakeBool() ? SignatureMode::kRaw : SignatureMode::kNormalized;
  options.max_signatures = static_cast<uint32_t>(in->TakeInRange(1, 8));
  return options;
}

uint64_t CountLines(std::string_view input) {
  uint64_t n = static_cast<uint64_t>(std::count(input.begin(), input.end(), '\n'));
  return n + (!input.empty() && input.back() != '\n' ? 1 : 0);
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  fuzz::FuzzInput in(data, size);
  FilterOptions options = fuzz::TakeOptions(&in);
  PipelineOptions pipeline;
  pipeline.reader.block_bytes = in.TakeInRange(1, 64);
  pipeline.reader.max_line_bytes = in.TakeInRange(16, 400);
  pipeline.limits.max_lines = static_cast<uint32_t>(in.TakeInRange(1, 64));
  size_t chunk = in.TakeInRange(1, 300);
  std::string_view input = in.Rest();

  fuzz::CheckingSink sink(input);
  Result<std::unique_ptr<FilterChain>> chain = BuildFilterChain(fuzz::Rules(), options, &sink);
  FUZZ_CHECK(chain.ok());
  fuzz::MemorySource source(input, chunk);
  PipelineReport report;
  RunSource(&source, fuzz::Rules(), pipeline, (*chain)->head(), &report);
  (*chain)->head()->Finish();
  FUZZ_CHECK(report.errors.empty());

  const DedupeStats& stats = (*chain)->stats();
  FUZZ_CHECK(stats.lines_in == fuzz::CountLines(input));
  FUZZ_CHECK(stats.lines_in == stats.lines_out + stats.lines_suppressed);
  FUZZ_CHECK(stats.lines_out == sink.lines());
  FUZZ_CHECK(stats.markers == sink.markers());
  FUZZ_CHECK(sink.marker_lines() == stats.lines_suppressed);
  FUZZ_CHECK(stats.bytes_in == input.size());
  FUZZ_CHECK(stats.bytes_out == sink.bytes());
  if (options.dedupe == DedupeMode::kNone) {
    FUZZ_CHECK(sink.passed() == input);
    FUZZ_CHECK(sink.markers() == 0);
  }
  FUZZ_CHECK(Mask(input) == MaskByteByByte(input));
  return 0;
}
