// With nothing to suppress (`--dedupe none` for the binary, as the samples and random
// inputs are full of repeated socket errors), what comes out is exactly what went in: any
// bytes, any size, any read pattern, in process and through the real binary.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "analyzer/filter_chain.h"
#include "analyzer/output_sink.h"
#include "analyzer/pipeline.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

const char* const kFragments[] = {
    "2024-03-11 03:13:29.842 ERROR 2249 --- [exec-7] c.e.Api : request failed\n",
    "java.io.IOException: Connection reset by peer\n",
    "\tat sun.nio.ch.SocketDispatcher.read0(Native Method)\n",
    "Caused by: java.net.SocketException: Connection reset\n",
    "\t... 12 more\n",
    "Traceback (most recent call last):\n",
    "  File \"/srv/app.py\", line 3, in f\n",
    "ConnectionResetError: [Errno 104] Connection reset by peer\n",
    "During handling of the above exception, another exception occurred:\n",
    "panic: write tcp 10.0.0.1:80->10.0.0.2:5555: write: broken pipe\n",
    "goroutine 1 [running]:\n",
    "main.main()\n",
    "Error: read ECONNRESET\n",
    "    at TCP.onStreamRead (node:internal/stream_base_commons:217:20) {\n",
    "}\n",
    " ---> System.Net.Sockets.SocketException (10054): forcibly closed\n",
    "==> a.log <==\n",
    "\n",
    "\r\n",
    "\r",
    "\xff\xfe\xc3(",
    "   \t \n",
    "no newline at all",
};

// A random input: raw random bytes, or a random mix of log fragments, CRs, NULs and
// invalid UTF-8, of a random size (0 included). Never starts with a compression magic
// number, since such input is decoded rather than passed through.
std::string RandomInput(uint64_t seed) {
  std::mt19937_64 rng(seed);
  size_t size = seed % 8 == 0 ? 0 : rng() % (seed % 5 == 0 ? 300000 : 5000);
  std::string input;
  if (seed % 3 == 0) {
    input = test::RandomBytes(seed, size);
  } else {
    while (input.size() < size) {
      size_t pick = rng() % (std::size(kFragments) + 2);
      if (pick == std::size(kFragments)) {
        input.push_back('\0');
      } else if (pick > std::size(kFragments)) {
        input += std::string(rng() % 3000, static_cast<char>('a' + rng() % 26));
      } else {
        input += kFragments[pick];
      }
    }
  }
  if (!input.empty() && (input[0] == '\x1f' || input[0] == '\x28')) input[0] = 'x';
  return input;
}

// How the OutputSink takes events' bytes: copied, or kept as views of the reader's buffer
// (as the filter command does) until the reader reuses it.
enum class Bytes { kCopied, kViews };

// Runs one file through RunPipeline into an OutputSink writing a file, through the filter
// chain when `filter` is given; returns the output.
std::string ThroughPipeline(const test::TempDir& dir, const std::string& input,
                            PipelineOptions options, Bytes bytes = Bytes::kCopied,
                            const FilterOptions* filter = nullptr) {
  std::string in = dir.File("in.log"), out = dir.File("out.log");
  test::WriteFile(in, input);
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  {
    OutputSink sink(fd, out, 4096);
    if (bytes == Bytes::kViews) {
      sink.KeepViews();
      options.reader.before_reuse = [&sink] { sink.ReleaseViews(); };
    }
    std::unique_ptr<FilterChain> chain;
    if (filter != nullptr) {
      Result<std::unique_ptr<FilterChain>> built =
          BuildFilterChain(test::DefaultRules(), *filter, &sink);
      REQUIRE(built.ok());
      chain = std::move(*built);
    }
    EventSink* head = chain ? chain->head() : &sink;
    PipelineReport report = RunPipeline({in}, test::DefaultRules(), options, head);
    CHECK(report.errors.empty());
    CHECK(report.bytes_in == input.size());
    CHECK(sink.ok());
  }
  close(fd);
  return test::ReadFile(out);
}

TEST_CASE("Random inputs pass through the pipeline byte for byte") {
  test::TempDir dir;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    std::string input = RandomInput(seed);
    PipelineOptions options;
    std::mt19937_64 rng(seed * 7);
    options.reader.block_bytes = size_t{1} << (rng() % 19);
    options.reader.max_line_bytes = 1 + rng() % 70000;
    options.limits.max_lines = 1 + static_cast<uint32_t>(rng() % 50);
    options.limits.max_bytes = 1 + rng() % 20000;
    INFO("seed " << seed << ", " << input.size() << " bytes, block " << options.reader.block_bytes
                 << ", max line " << options.reader.max_line_bytes);
    REQUIRE(ThroughPipeline(dir, input, options) == input);
    REQUIRE(ThroughPipeline(dir, input, options, Bytes::kViews) == input);
  }
}

TEST_CASE("Kept views write what copies write, markers and suppression included") {
  test::TempDir dir;
  FilterOptions filter;  // the defaults: socket errors collapse, markers are written
  for (uint64_t seed = 200; seed <= 260; ++seed) {
    std::string input = RandomInput(seed);
    PipelineOptions options;
    std::mt19937_64 rng(seed * 13);
    options.reader.block_bytes = size_t{1} << (rng() % 14);
    options.reader.max_line_bytes = 1 + rng() % 70000;
    INFO("seed " << seed << ", " << input.size() << " bytes, block " << options.reader.block_bytes);
    std::string copied = ThroughPipeline(dir, input, options, Bytes::kCopied, &filter);
    REQUIRE(ThroughPipeline(dir, input, options, Bytes::kViews, &filter) == copied);
  }
  for (const char* sample : {"samples/nginx/error.log", "samples/java/spring-reset.log"}) {
    INFO(sample);
    std::string input = test::ReadFile(test::SourcePath(sample));
    for (size_t block : {7, 4096, 1 << 18}) {
      PipelineOptions options;
      options.reader.block_bytes = block;
      std::string copied = ThroughPipeline(dir, input, options, Bytes::kCopied, &filter);
      CHECK(copied.find("[sockfilter] suppressed") != std::string::npos);
      CHECK(ThroughPipeline(dir, input, options, Bytes::kViews, &filter) == copied);
    }
  }
}

TEST_CASE("Random inputs pass through the binary byte for byte, from a pipe and from a file") {
  test::TempDir dir;
  for (uint64_t seed = 1000; seed < 1012; ++seed) {
    std::string input = RandomInput(seed);
    INFO("seed " << seed << ", " << input.size() << " bytes");
    test::ProcessResult piped =
        test::RunSockfilter({"--dedupe", "none", "--max-event-lines", "5"}, input);
    CHECK(piped.exit_code == 0);
    CHECK(piped.err.empty());
    REQUIRE(piped.out == input);
    std::string path = dir.File("in.log");
    test::WriteFile(path, input);
    test::ProcessResult from_file = test::RunSockfilter({"--dedupe", "none", path});
    CHECK(from_file.exit_code == 0);
    REQUIRE(from_file.out == input);
  }
}

const char* const kSamples[] = {
    "samples/java/spring-reset.log",    "samples/python/requests-reset.log",
    "samples/go/proxy-reset.log",       "samples/node/server-econnreset.log",
    "samples/dotnet/kestrel-reset.log", "samples/dotnet/console-reset.log",
    "samples/nginx/error.log",
};

TEST_CASE("Samples give the same output read whole and read in tiny blocks") {
  test::TempDir dir;
  for (const char* sample : kSamples) {
    INFO(sample);
    std::string input = test::ReadFile(test::SourcePath(sample));
    PipelineOptions whole;
    std::string expected = ThroughPipeline(dir, input, whole);
    CHECK(expected == input);
    for (size_t block : {1, 7, 4096}) {
      PipelineOptions tiny;
      tiny.reader.block_bytes = block;
      CHECK(ThroughPipeline(dir, input, tiny) == expected);
    }
  }
}

TEST_CASE("Every sample passes through the binary unchanged, several files in one run") {
  std::vector<std::string> paths = {"--dedupe", "none"};
  std::string all;
  for (const char* sample : kSamples) {
    paths.push_back(test::SourcePath(sample));
    all += test::ReadFile(paths.back());
  }
  test::ProcessResult run = test::RunSockfilter(paths);
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out == all);
  test::ProcessResult piped = test::RunSockfilter({"--dedupe", "none"}, all);
  CHECK(piped.out == all);
}

TEST_CASE("A line longer than every buffer passes through the binary whole") {
  std::string input(16 << 20, 'x');  // the reader hands out 4 MiB pieces; pipes hold 1 MiB
  for (size_t i = 0; i < input.size(); i += 4093) input[i] = static_cast<char>('a' + i % 26);
  input = "2024-03-11 03:13:29 ERROR before\n" + input + "\n\tat after.Frame(F.java:1)\n";
  test::TempDir dir;
  std::string path = dir.File("long.log");
  test::WriteFile(path, input);
  test::ProcessResult run = test::RunSockfilter({path});
  CHECK(run.exit_code == 0);
  CHECK(run.out.size() == input.size());
  CHECK(run.out == input);
}

}  // namespace
}  // namespace sockfilter
