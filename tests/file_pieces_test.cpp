// Cutting a plain log into pieces that are analysed at once: every cut falls where the
// whole file's assembly starts an event, and the merged summary of the pieces is the
// summary of the whole file, with every kind of multi-line event, with blank lines inside
// events, and with `tail` file headers (which make the file be analysed again whole).
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "analyzer/analyze_run.h"
#include "analyzer/file_pieces.h"
#include "analyzer/file_range_source.h"
#include "analyzer/quiet_gaps.h"
#include "analyzer/report.h"
#include "analyzer/root_causes.h"
#include "analyzer/summary_json.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

using test::TempDir;

// Where the whole text's events of kind kRecord start.
std::set<size_t> RecordStarts(const std::string& text) {
  std::vector<size_t> starts = test::RecordStarts(text);
  return {starts.begin(), starts.end()};
}

// The summary of `files` analysed by `jobs` threads, each file cut into at most `pieces`
// pieces of 64 KiB or more (dozens of cuts, so that every kind of event meets one).
std::string SummaryJson(const std::vector<InputFile>& files, int jobs, size_t pieces) {
  AnalyzeOptions options;
  options.jobs = jobs;
  options.max_pieces = pieces;
  options.min_piece_bytes = 64 << 10;
  AnalyzeBatch batch = AnalyzeFiles(files, test::DefaultRules(), options);
  REQUIRE(batch.errors.empty());
  return RenderJson(batch.summary, InferRootCauses(batch.summary), ReportOptions());
}

InputFile Input(const std::string& path) {
  return {path, static_cast<uint64_t>(test::ReadFile(path).size()), 1710126809000};
}

TEST_CASE("a cut falls where the whole file starts an event", "[file_pieces]") {
  const std::string text = test::SampleLogsTwice(7);
  const std::set<size_t> record_starts = RecordStarts(text);
  const auto& rules = *test::DefaultRules().multiline;
  size_t cuts = 0;
  std::set<size_t> distinct;
  for (size_t from = 0; from < text.size(); from += 13) {
    size_t cut = FirstCut(std::string_view(text).substr(from), rules);
    if (cut == std::string_view::npos) continue;
    const size_t at = from + cut;
    INFO("cut at " << at << ": " << text.substr(at, 80));
    REQUIRE(at > from);
    REQUIRE(text[at - 1] == '\n');
    CHECK(record_starts.count(at) == 1);
    ++cuts;
    distinct.insert(at);
  }
  CHECK(cuts > text.size() / 13 / 2);
  // Lines that only a state after the record state continues ("BrokenPipeError: ..." after a
  // traceback's frames) start events when read alone; they are never cuts.
  const std::string exception_line = "BrokenPipeError: [Errno 32] Broken pipe\n";
  const size_t inside = text.find(exception_line);
  REQUIRE(inside != std::string::npos);
  CHECK(distinct.count(inside) == 0);
  CHECK(FirstCut("x\n" + exception_line, rules) == std::string_view::npos);
}

TEST_CASE("no cut in text without a whole line that is neither blank nor continued",
          "[file_pieces]") {
  const auto& rules = *test::DefaultRules().multiline;
  CHECK(FirstCut("", rules) == std::string_view::npos);
  CHECK(FirstCut("partial line without end", rules) == std::string_view::npos);
  CHECK(FirstCut("tail of a line\nwhole line\n", rules) == 15);
  CHECK(FirstCut("tail\n\n \t\r\n2024-03-11 ok\n", rules) == 10);
  CHECK(FirstCut("tail\n\tat Foo.bar(Foo.java:1)\n\n", rules) == std::string_view::npos);
  CHECK(FirstCut("tail\n2024-03-11 ok", rules) == std::string_view::npos);  // no '\n'
}

TEST_CASE("pieces of a file start at increasing cuts near equal shares", "[file_pieces]") {
  TempDir dir;
  std::string text;
  while (text.size() < (3u << 20)) text += test::SampleLogsTwice(text.size());
  test::WriteFile(dir.File("a.log"), text);
  const std::set<size_t> record_starts = RecordStarts(text);
  const int fd = open(dir.File("a.log").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::vector<uint64_t> starts = PieceStarts(fd, text.size(), 6, *test::DefaultRules().multiline);
  REQUIRE(starts.size() == 6);
  CHECK(starts[0] == 0);
  for (size_t k = 1; k < starts.size(); ++k) {
    CHECK(starts[k] > starts[k - 1]);
    CHECK(starts[k] >= text.size() / 6 * k);
    CHECK(starts[k] < text.size() / 6 * k + kSearchBytes);
    CHECK(record_starts.count(starts[k]) == 1);
  }
  // Shares past the end (the file is shorter than said) have no cut.
  CHECK(PieceStarts(fd, text.size() * 2, 4, *test::DefaultRules().multiline).size() == 2);
  close(fd);
  // One stack trace, all of it continuation lines: no cut.
  std::string trace = "2024-03-11 03:13:29 ERROR x\njava.io.IOException: Connection reset\n";
  while (trace.size() < (1u << 20)) trace += "\tat a.B.c(B.java:1)\n";
  test::WriteFile(dir.File("trace.log"), trace);
  const int trace_fd = open(dir.File("trace.log").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(trace_fd >= 0);
  CHECK(PieceStarts(trace_fd, trace.size(), 4, *test::DefaultRules().multiline) ==
        std::vector<uint64_t>{0});
  close(trace_fd);
}

TEST_CASE(
    "a range of an open file reads its bytes, to the end when the end is past it, "
    "and the file that was opened whatever became of its path",
    "[file_pieces]") {
  TempDir dir;
  test::WriteFile(dir.File("r.log"), "0123456789");
  auto read_all = [](std::unique_ptr<ByteSource> source) {
    std::string out;
    char buf[3];
    for (;;) {
      Result<size_t> n = source->Read(buf, sizeof buf);
      REQUIRE(n.ok());
      if (*n == 0) return out;
      out.append(buf, *n);
    }
  };
  const int fd = open(dir.File("r.log").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(read_all(MakeFileRangeSource(fd, "r.log", 2, 7)) == "23456");
  CHECK(read_all(MakeFileRangeSource(fd, "r.log", 4, kToEndOfFile)) == "456789");
  // logrotate renames the file and a new one takes its name: the pieces still read the
  // file that was cut.
  REQUIRE(rename(dir.File("r.log").c_str(), dir.File("r.log.1").c_str()) == 0);
  test::WriteFile(dir.File("r.log"), "new file");
  CHECK(read_all(MakeFileRangeSource(fd, "r.log", 0, kToEndOfFile)) == "0123456789");
  close(fd);
}

TEST_CASE("a log cut into pieces sums up as it does whole", "[file_pieces]") {
  TempDir dir;
  std::string samples;
  while (samples.size() < (1u << 20)) samples += test::SampleLogsTwice(samples.size());
  test::WriteFile(dir.File("samples.log"), samples);
  std::vector<InputFile> files = {Input(dir.File("samples.log"))};
  std::string gen = test::GenCorpusScript();
  if (!gen.empty()) {
    REQUIRE(test::Shell("python3 " + gen + " 3 " + dir.File("gen.log") +
                        " --seed 13 >/dev/null 2>&1") == 0);
    files.push_back(Input(dir.File("gen.log")));
  } else {
    WARN("gen_corpus.py not found beside the checkout; only the samples are cut");
  }
  for (const InputFile& file : files) {
    INFO(file.path);
    const std::string whole = SummaryJson({file}, 1, 1);
    CHECK(whole.find("\"conn_reset\"") != std::string::npos);
    for (size_t pieces : {2, 7, 48}) {
      INFO("pieces " << pieces);
      CHECK(SummaryJson({file}, 2, pieces) == whole);
    }
  }
  // Several files, each cut, merged in their order.
  CHECK(SummaryJson(files, 2, 16) == SummaryJson(files, 1, 1));
}

TEST_CASE("a log with more peers than the quiet-gap table keeps gives one pass's summary cut",
          "[file_pieces]") {
  // The quiet-gap table keeps QuietGaps::kMaxPeers peers, those of smallest hash: each
  // piece starts empty and keeps its own smallest, and the merge keeps the smallest of
  // all, as one pass does. Resets from kMaxPeers + 5000 clients, each twice, the second
  // round after the first.
  std::string text;
  const size_t clients = QuietGaps::kMaxPeers + 5000;
  for (int round = 0; round < 2; ++round) {
    for (size_t c = 0; c < clients; ++c) {
      const size_t second = round * clients + c;
      char line[256];
      snprintf(line, sizeof line,
               "2024/03/11 %02zu:%02zu:%02zu [error] 7#7: *1 recv() failed (104: Connection reset "
               "by peer) while reading response header from upstream, client: 10.%zu.%zu.%zu\n",
               second / 3600 % 24, second / 60 % 60, second % 60, c >> 16, (c >> 8) & 255, c & 255);
      text += line;
    }
  }
  TempDir dir;
  test::WriteFile(dir.File("peers.log"), text);
  std::vector<InputFile> files = {Input(dir.File("peers.log"))};
  const std::string whole = SummaryJson(files, 1, 1);
  CHECK(whole.find("\"untracked\": 10000") != std::string::npos);  // both rounds
  CHECK(SummaryJson(files, 2, 8) == whole);

  // The same through summary files: the log split into two files, each past the cap,
  // analysed apart, written as JSON, read back and merged (`sockfilter merge`).
  const size_t cut_line = QuietGaps::kMaxPeers + 2000;  // within the first round
  size_t cut = 0;
  for (size_t line = 0; line < cut_line; ++line) cut = text.find('\n', cut) + 1;
  test::WriteFile(dir.File("a.log"), text.substr(0, cut));
  test::WriteFile(dir.File("b.log"), text.substr(cut));
  Summary merged;
  for (const char* name : {"a.log", "b.log"}) {
    const std::string json = SummaryJson({Input(dir.File(name))}, 1, 1);
    Result<Summary> part = ReadSummaryJson(json, name);
    REQUIRE(part.ok());
    REQUIRE(part->gaps.tracked() == QuietGaps::kMaxPeers);
    merged.Merge(*part);
  }
  merged.inputs = 1;  // two files, against one
  CHECK(RenderJson(merged, InferRootCauses(merged), ReportOptions()) == whole);
}

TEST_CASE("a log with tail's file headers past its first piece is analysed whole",
          "[file_pieces]") {
  // `tail -f a.log b.log` output: each file keeps its own assembly state across headers.
  // Back in a.log, "... N more" continues its trace (a state after the record state), so
  // the two lines are one event; a piece that began inside a.log's lines saved their state
  // under another name, and would make them two.
  std::string text;
  for (int i = 0; text.size() < (1u << 20); ++i) {
    text += "==> a.log <==\n";
    text += "2024-03-11 03:13:29.842  WARN 1 --- [main] c.a.Foo : call " + std::to_string(i) +
            " failed\njava.io.IOException: Connection reset by peer\n";
    text += "\n==> b.log <==\n2024-03-11 03:13:30.001  INFO 2 --- [main] c.a.Bar : ok\n";
    text += "\n==> a.log <==\n\t... 23 more\n\t... 24 more\n";
  }
  TempDir dir;
  test::WriteFile(dir.File("tail.log"), text);
  std::vector<InputFile> files = {Input(dir.File("tail.log"))};
  const std::string whole = SummaryJson(files, 1, 1);
  CHECK(whole.find("\"conn_reset\"") != std::string::npos);
  CHECK(SummaryJson(files, 2, 8) == whole);
}

}  // namespace
}  // namespace sockfilter
