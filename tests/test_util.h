// Helpers shared by the tests: temporary directories, files, running the built binary,
// in-memory byte sources and a sink that collects events.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/byte_source.h"
#include "analyzer/event_sink.h"
#include "rules/rule_loader.h"

namespace sockfilter::test {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, std::string_view bytes);
std::string ReadFile(const std::string& path);
// Runs `command` with /bin/sh -c and returns its exit status (-1 when it did not exit).
int Shell(const std::string& command);

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs the built sockfilter binary with `args`, feeding `input` on stdin.
ProcessResult RunSockfilter(const std::vector<std::string>& args, std::string_view input = "");

// Path of a file in the source tree ("samples/java/reset.log").
std::string SourcePath(const std::string& relative);
// gen_corpus.py beside the checkout (../shared/bench), or "" when absent.
std::string GenCorpusScript();

// A ByteSource over a string that returns at most `chunk` bytes per Read().
std::unique_ptr<ByteSource> StringSource(std::string data, size_t chunk = 1 << 20);

// Deterministic pseudo-random bytes.
std::string RandomBytes(uint64_t seed, size_t size);

// The log files of samples/, one per ecosystem (paths relative to the source tree).
inline constexpr const char* kSampleLogs[] = {
    "samples/dotnet/console-reset.log", "samples/dotnet/kestrel-reset.log",
    "samples/go/proxy-reset.log",       "samples/java/spring-reset.log",
    "samples/nginx/error.log",          "samples/node/server-econnreset.log",
    "samples/python/requests-reset.log"};

// The sample logs, each twice, the second time from a random byte on (a seeded cut), so
// that events, lines and literals fall across every block and piece boundary.
std::string SampleLogsTwice(uint64_t seed);

// Calls `check` with every run of 1 to `max_lines` whole lines of `text` (the last one may
// lack its newline), starting at each line: events of every shape and first line.
template <class Check>
void ForEachLineRun(std::string_view text, int max_lines, Check&& check) {
  for (size_t begin = 0; begin < text.size();) {
    size_t end = begin;
    for (int lines = 0; lines < max_lines && end < text.size(); ++lines) {
      end = std::min(text.find('\n', end), text.size()) + 1;
      check(text.substr(begin, std::min(end, text.size()) - begin));
    }
    begin = std::min(text.find('\n', begin), text.size()) + 1;
  }
}

// The built-in rules (embedded rules/*.toml).
const RuleBook& DefaultRules();

// Byte offsets where the events of kind kRecord of `text` start, as the built-in rules'
// assembler reads it in one pass (not 0).
std::vector<size_t> RecordStarts(const std::string& text);

// Collects every event it is given, with its bytes copied.
class CollectingSink : public EventSink {
 public:
  struct Collected {
    std::string raw;
    uint64_t first_line;
    uint32_t line_count;
    EventKind kind;
    EventTags tags;  // views in tags are dangling after OnEvent; only scalars are usable
  };
  void OnEvent(const Event& event) override;
  void Finish() override { finished = true; }

  std::vector<Collected> events;
  bool finished = false;
  std::string Joined() const;  // all raw bytes in order
};

}  // namespace sockfilter::test
