// The bad-input battery: whatever a server wrote, or whatever a user points us at, through
// the real binary. Each case states its expected outcome: handled and correct (byte-exact
// pass-through), or a clear error naming the input and the documented exit status
// (1: an input could not be read whole, 2: usage or rules error). docs/reliability.md
// lists every case with what sockfilter does.
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/child_process.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

using test::ChildIo;
using test::ChildProcess;
using test::Pipe;
using test::ProcessResult;
using test::RunSockfilter;
using test::TempDir;
using test::WriteFile;

const std::string kReset =
    "2024-03-11 03:13:29,842 ERROR [main] upstream: java.net.SocketException: Connection "
    "reset\n";

std::string SampleText() {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "2024-03-11 03:13:29," + std::to_string(100 + i) + " INFO [main] request " +
            std::to_string(i) + " served\n";
  }
  return text;
}

// Compresses `text` with the real command-line tool (`gzip` or `zstd`) into `path`.
void Compress(const std::string& tool, const std::string& text, const std::string& path) {
  WriteFile(path + ".in", text);
  REQUIRE(test::Shell(tool + " -q -c " + path + ".in > " + path) == 0);
}

void Truncate(const std::string& path, size_t size) {
  REQUIRE(truncate(path.c_str(), static_cast<off_t>(size)) == 0);
}

bool IsPrefix(const std::string& part, const std::string& whole) {
  return whole.compare(0, part.size(), part) == 0 && part.size() <= whole.size();
}

TEST_CASE("An empty file gives empty output and exit 0", "[bad-input]") {
  TempDir dir;
  WriteFile(dir.File("empty.log"), "");
  ProcessResult r = RunSockfilter({dir.File("empty.log")});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("A file of NUL bytes passes through byte for byte", "[bad-input]") {
  TempDir dir;
  const std::string nuls(3 << 20, '\0');
  WriteFile(dir.File("nul.log"), nuls);
  ProcessResult r = RunSockfilter({dir.File("nul.log")});
  CHECK(r.exit_code == 0);
  CHECK(r.out == nuls);
  CHECK(r.err.empty());
}

TEST_CASE("Random binary passes through byte for byte, with and without dedupe", "[bad-input]") {
  TempDir dir;
  std::string junk = test::RandomBytes(8, 6 << 20);
  junk[0] = 'x';  // not a gzip or zstd magic number: this is "a log" of junk
  WriteFile(dir.File("junk.log"), junk);
  for (const char* dedupe : {"socket", "all", "none"}) {
    ProcessResult r = RunSockfilter({"--dedupe", dedupe, dir.File("junk.log")});
    INFO("--dedupe " << dedupe);
    CHECK(r.exit_code == 0);
    CHECK(r.out == junk);
  }
}

// A 256 MiB line, written and read back as streams: neither the test nor the binary is
// asked to hold it whole more than once, and the output is checked by size and CRC-32.
TEST_CASE("A 256 MiB single line passes through exactly, streamed", "[bad-input][large]") {
  TempDir dir;
  const std::string path = dir.File("one-line.log");
  const size_t kBlock = 1 << 20, kBlocks = 256;
  uint32_t crc_in = crc32(0, nullptr, 0);
  {
    std::string block = test::RandomBytes(3, kBlock);
    for (char& c : block)
      if (c == '\n') c = ' ';
    block[0] = 'x';
    FILE* f = fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    for (size_t i = 0; i < kBlocks; ++i) {
      block[1] = static_cast<char>('a' + i % 26);  // no two blocks alike
      if (i + 1 == kBlocks) block.back() = '\n';
      REQUIRE(fwrite(block.data(), 1, block.size(), f) == block.size());
      crc_in = crc32(crc_in, reinterpret_cast<const Bytef*>(block.data()), kBlock);
    }
    REQUIRE(fclose(f) == 0);
  }
  Pipe out;
  ChildProcess child({path}, {.out = out.write_end()});
  out.CloseWrite();
  uint64_t size = 0;
  uint32_t crc_out = crc32(0, nullptr, 0);
  std::vector<char> buf(1 << 20);
  for (ssize_t n; (n = read(out.read_end(), buf.data(), buf.size())) > 0;) {
    size += static_cast<uint64_t>(n);
    crc_out = crc32(crc_out, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(n));
  }
  CHECK(child.Wait().code == 0);
  CHECK(size == kBlock * kBlocks);
  CHECK(crc_out == crc_in);
}

// Found by the lines_events fuzz target: such a line came out as a partial piece that never
// ended, so it was not counted.
TEST_CASE("A last line exactly as long as the line limit, without a newline, counts as a line",
          "[bad-input]") {
  TempDir dir;
  const std::string line(4 << 20, 'x');  // --max-event-bytes and the reader's limit: 4 MiB
  WriteFile(dir.File("exact.log"), line);
  ProcessResult r = RunSockfilter({"--stats", dir.File("exact.log")});
  CHECK(r.exit_code == 0);
  CHECK(r.out == line);
  CHECK(r.err.find("\"lines_in\":1,") != std::string::npos);
}

// An unterminated last line passes through as it is, but what the filter writes after it
// starts a line of its own: a marker glued onto it ("...INFO ok[sockfilter] suppressed")
// was seen neither by grep '^\[sockfilter\]' nor by sockfilter's own marker parser.
TEST_CASE("A marker after a last line without a newline is a line of its own",
          "[bad-input][newline]") {
  const std::string reset1 =
      "2024-03-11 03:13:29.842 ERROR x: java.io.IOException: Connection reset by peer\n";
  const std::string reset2 =
      "2024-03-11 03:13:30.842 ERROR x: java.io.IOException: Connection reset by peer\n";
  const std::string last = "2024-03-11 03:13:31.842 INFO ok";  // no newline
  ProcessResult r = RunSockfilter({"--stats"}, reset1 + reset2 + last);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  // The second reset is suppressed; its marker comes at the end of input.
  CHECK(r.out.rfind(reset1 + last + "\n[sockfilter] suppressed repeats=1 lines=1 ", 0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);
  CHECK(r.out.back() == '\n');
  // bytes_out is every byte written, the added newline included.
  CHECK(r.err.find("\"bytes_out\":" + std::to_string(r.out.size()) + ",") != std::string::npos);
  // With nothing after it, the last line ends as it does in the input: no newline added.
  ProcessResult alone = RunSockfilter({}, reset1 + last);
  CHECK(alone.exit_code == 0);
  CHECK(alone.out == reset1 + last);
}

TEST_CASE("Two inputs, the first without a newline at its end, keep their lines apart",
          "[bad-input][newline]") {
  TempDir dir;
  const std::string text =
      "2024-03-11 03:13:29,100 INFO [main] line1\n2024-03-11 03:13:29,200 INFO [main] line2";
  WriteFile(dir.File("nonl.log"), text);
  for (const char* dedupe : {"socket", "none"}) {
    INFO("--dedupe " << dedupe);
    ProcessResult r =
        RunSockfilter({"--dedupe", dedupe, dir.File("nonl.log"), dir.File("nonl.log")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == text + "\n" + text);  // the last input still ends as it does
    // Standard input (a pipe, read live) first, then the file.
    ProcessResult piped = RunSockfilter({"--dedupe", dedupe, "-", dir.File("nonl.log")}, text);
    CHECK(piped.exit_code == 0);
    CHECK(piped.out == text + "\n" + text);
  }
}

TEST_CASE("Invalid UTF-8 passes through unchanged and analyze reads it", "[bad-input]") {
  TempDir dir;
  std::string text =
      "2024-03-11 03:13:29,842 ERROR caf\xc3 \xff\xfe overlong \xc0\xaf "
      "surrogate \xed\xa0\x80 java.net.SocketException: Connection reset\n"
      "\x80\x80\x80 continuation bytes alone\n" +
      kReset;
  WriteFile(dir.File("bad-utf8.log"), text);
  ProcessResult filter = RunSockfilter({"--dedupe", "none", dir.File("bad-utf8.log")});
  CHECK(filter.exit_code == 0);
  CHECK(filter.out == text);
  for (const char* format : {"text", "json", "markdown"}) {
    ProcessResult analyze =
        RunSockfilter({"analyze", "--format", format, dir.File("bad-utf8.log")});
    INFO("analyze --format " << format << "\n" << analyze.err);
    CHECK(analyze.exit_code == 0);
    CHECK(!analyze.out.empty());
  }
}

TEST_CASE("CR-only line endings are one line, passed through unchanged", "[bad-input]") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 1000; ++i) text += kReset.substr(0, kReset.size() - 1) + "\r";
  WriteFile(dir.File("cr.log"), text);
  ProcessResult r = RunSockfilter({"--stats", dir.File("cr.log")});
  CHECK(r.exit_code == 0);
  CHECK(r.out == text);  // one line (CR is not a terminator), so nothing repeats
  CHECK(r.err.find("\"lines_in\":1,") != std::string::npos);
}

TEST_CASE("A truncated gzip gives what could be decoded, then exit 1 naming the file",
          "[bad-input]") {
  TempDir dir;
  const std::string text = SampleText();
  const std::string path = dir.File("app.log.1.gz");
  Compress("gzip", text, path);
  Truncate(path, std::filesystem::file_size(path) / 2);
  ProcessResult r = RunSockfilter({path});
  CHECK(r.exit_code == 1);
  CHECK(IsPrefix(r.out, text));
  CHECK(r.err.find(path) != std::string::npos);
  CHECK(r.err.find("truncated gzip") != std::string::npos);
}

TEST_CASE("A gzip with trailing garbage gives all its data, then exit 1 naming the file",
          "[bad-input]") {
  TempDir dir;
  const std::string text = SampleText();
  const std::string path = dir.File("app.log.2.gz");
  Compress("gzip", text, path);
  REQUIRE(test::Shell("printf 'GARBAGE\\n' >> " + path) == 0);
  ProcessResult r = RunSockfilter({path});
  CHECK(r.exit_code == 1);
  CHECK(r.out == text);
  CHECK(r.err.find(path) != std::string::npos);
  CHECK(r.err.find("trailing garbage") != std::string::npos);
}

TEST_CASE("A zstd frame cut short gives what could be decoded, then exit 1 naming the file",
          "[bad-input]") {
  TempDir dir;
  const std::string text = SampleText();
  const std::string path = dir.File("app.log.3.zst");
  Compress("zstd", text, path);
  Truncate(path, std::filesystem::file_size(path) - 7);
  ProcessResult r = RunSockfilter({path});
  CHECK(r.exit_code == 1);
  CHECK(IsPrefix(r.out, text));
  CHECK(r.err.find(path) != std::string::npos);
  CHECK(r.err.find("truncated zstd") != std::string::npos);
}

TEST_CASE("A directory given as a file is a clear error, and the other inputs still pass",
          "[bad-input]") {
  TempDir dir;
  WriteFile(dir.File("ok.log"), "fine\n");
  ProcessResult r = RunSockfilter({dir.path(), dir.File("ok.log")});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "fine\n");
  CHECK(r.err.find(dir.path() + ": is a directory") != std::string::npos);
}

TEST_CASE("A FIFO given as a file is read as its writer writes", "[bad-input]") {
  TempDir dir;
  const std::string fifo = dir.File("live.fifo");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const std::string text = SampleText() + kReset + "last line without newline";
  std::thread writer([&] {
    int fd = open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    for (size_t at = 0; at < text.size(); at += 1000) {
      test::WriteAllTo(fd, std::string_view(text).substr(at, 1000));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    close(fd);
  });
  ProcessResult r = RunSockfilter({fifo});
  writer.join();
  CHECK(r.exit_code == 0);
  CHECK(r.out == text);
}

// A ChildIo for a run that must not read what only root may: as root, the binary runs as
// `nobody`. False, after a warning that `what` is not tested, when there is no such user.
bool Unprivileged(ChildIo* io, const std::string& what) {
  if (geteuid() != 0) return true;
  if (getpwnam("nobody") == nullptr) {
    WARN("running as root without a `nobody` user: " << what << " not tested");
    return false;
  }
  io->run_as_user = "nobody";
  return true;
}

// The exit status (126: privileges could not be dropped) and what the run wrote.
struct Outcome {
  int code;
  std::string out, err;
};

Outcome RunWith(const std::vector<std::string>& args, ChildIo io) {
  Pipe out, err;
  io.out = out.write_end();
  io.err = err.write_end();
  ChildProcess child(args, io);
  out.CloseWrite();
  err.CloseWrite();
  Outcome o;
  o.out = test::ReadAllFrom(out.read_end());
  o.err = test::ReadAllFrom(err.read_end());
  o.code = child.Wait().code;
  return o;
}

TEST_CASE("A file we may not read is a clear error with exit 1", "[bad-input]") {
  TempDir dir;
  const std::string path = dir.File("secret.log");
  WriteFile(path, "secret\n");
  REQUIRE(chmod(path.c_str(), 0) == 0);
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  ChildIo io;
  if (!Unprivileged(&io, "permission denied")) return;
  const Outcome run = RunWith({path}, io);
  if (run.code == 126) {
    WARN("cannot drop privileges to `nobody` here: permission denied not tested");
    return;
  }
  CHECK(run.code == 1);
  CHECK(run.out.empty());
  CHECK(run.err.find(path + ": Permission denied") != std::string::npos);
}

// A directory below the one named, or named itself, that may not be read was skipped in
// silence (status 0, or "no input files matched"), and its logs left out of the report.
TEST_CASE("A directory analyze may not read is a clear error with exit 1", "[bad-input]") {
  TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  const std::string top = dir.File("ad"), locked = dir.File("ad/locked");
  REQUIRE(mkdir(top.c_str(), 0755) == 0);
  REQUIRE(mkdir(locked.c_str(), 0700) == 0);
  WriteFile(top + "/ok.log", kReset);
  WriteFile(locked + "/hidden.log", kReset);
  ChildIo io;
  if (!Unprivileged(&io, "unreadable directory")) return;
  if (geteuid() != 0) REQUIRE(chmod(locked.c_str(), 0) == 0);
  auto analyze = [&io](const std::string& path) {
    return RunWith({"analyze", "--format", "json", path}, io);
  };
  const Outcome below = analyze(top);
  chmod(locked.c_str(), 0700);  // for TempDir's clean-up
  if (below.code == 126) {
    WARN("cannot drop privileges to `nobody` here: unreadable directory not tested");
    return;
  }
  INFO(below.err);
  CHECK(below.code == 1);
  CHECK(below.err == "sockfilter: " + locked + ": Permission denied\n");
  CHECK(below.out.find("\"inputs\": 1,") != std::string::npos);  // ok.log is still read
  if (geteuid() != 0) REQUIRE(chmod(locked.c_str(), 0) == 0);
  const Outcome named = analyze(locked);
  chmod(locked.c_str(), 0700);
  INFO(named.err);
  CHECK(named.code == 1);
  CHECK(named.err == "sockfilter: " + locked + ": Permission denied\n");
}

// logrotate's copytruncate: the file is copied and truncated to zero while `tail -F` follows
// it into sockfilter. Every line written reaches the output once, in order.
TEST_CASE("A followed file that grows and is truncated (copytruncate) streams every line",
          "[bad-input][live]") {
  if (test::Shell("command -v tail >/dev/null") != 0) {
    WARN("no tail(1): copytruncate not tested");
    return;
  }
  TempDir dir;
  const std::string log = dir.File("app.log");
  auto lines = [](const char* tag, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += std::string(tag) + " line " + std::to_string(i) + "\n";
    return s;
  };
  const std::string before = lines("before", 50), grown = lines("grown", 50),
                    after = lines("after", 50);
  WriteFile(log, before);
  Pipe feed, out;
  ChildProcess filter({"--dedupe", "none", "--flush-timeout", "50"},
                      {.in = feed.read_end(), .out = out.write_end()});
  pid_t tail = fork();
  REQUIRE(tail >= 0);
  if (tail == 0) {
    dup2(feed.write_end(), 1);
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, 2);  // "tail: app.log: file truncated"
    execlp("tail", "tail", "-n", "+1", "-s", "0.05", "-F", log.c_str(), nullptr);
    _exit(127);
  }
  feed.CloseRead();
  feed.CloseWrite();
  out.CloseWrite();
  auto settle = [] { std::this_thread::sleep_for(std::chrono::milliseconds(600)); };
  settle();
  {
    FILE* f = fopen(log.c_str(), "ab");
    fwrite(grown.data(), 1, grown.size(), f);
    fclose(f);
  }
  settle();
  REQUIRE(test::Shell("cp " + log + " " + log + ".1 && : > " + log) == 0);  // copytruncate
  settle();
  {
    FILE* f = fopen(log.c_str(), "ab");
    fwrite(after.data(), 1, after.size(), f);
    fclose(f);
  }
  settle();
  kill(tail, SIGTERM);
  waitpid(tail, nullptr, 0);
  std::string output = test::ReadAllFrom(out.read_end());
  CHECK(filter.Wait().code == 0);
  CHECK(output == before + grown + after);
  CHECK(test::ReadFile(log + ".1") == before + grown);
}

TEST_CASE("A file truncated while sockfilter reads it ends cleanly with a prefix of it",
          "[bad-input]") {
  TempDir dir;
  const std::string path = dir.File("shrinking.log");
  std::string text;
  while (text.size() < (24 << 20)) text += SampleText();
  WriteFile(path, text);
  Pipe out;
  ChildProcess child({"--dedupe", "none", path}, {.out = out.write_end()});
  out.CloseWrite();
  // Read a little, then truncate the file under the reader.
  std::string output;
  char buf[65536];
  while (output.size() < (1 << 20)) {
    ssize_t n = read(out.read_end(), buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<size_t>(n));
  }
  Truncate(path, 0);
  output += test::ReadAllFrom(out.read_end());
  CHECK(child.Wait().code == 0);
  CHECK(IsPrefix(output, text));
}

TEST_CASE("A rules file with a bad regex: exit 2 naming the file, the rule and RE2's error",
          "[bad-input]") {
  TempDir dir;
  WriteFile(dir.File("custom.toml"),
            "[[rule]]\n"
            "id = \"broken_reset\"\n"
            "cause = \"conn_reset\"\n"
            "pattern = '''Connection (reset'''\n"
            "examples = [\"Connection reset\"]\n");
  ProcessResult r = RunSockfilter({"--rules", dir.path()}, kReset);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("custom.toml") != std::string::npos);
  CHECK(r.err.find("broken_reset") != std::string::npos);
  CHECK(r.err.find("missing )") != std::string::npos);  // RE2's own words
}

TEST_CASE("A huge --window or --marker-interval neither overflows nor loses a line",
          "[bad-input]") {
  std::string flood;
  for (int i = 0; i < 100; ++i) flood += kReset;
  // Up to 1e10 s (about 300 years) is accepted and works; beyond, refused with exit 2
  // naming the option and its limit. UBSan (float-cast-overflow included) watches both.
  for (const char* option : {"--window", "--marker-interval"}) {
    ProcessResult r = RunSockfilter({option, "1e10"}, flood);
    INFO(option << " 1e10\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind(kReset, 0) == 0);  // the first one passes whole
    CHECK(r.out.find("[sockfilter] suppressed repeats=99 lines=99 ") == kReset.size());
    for (const char* huge : {"1e12", "9.2e15", "1e300", "inf", "nan"}) {
      ProcessResult refused = RunSockfilter({option, huge}, flood);
      INFO(option << " " << huge << "\n" << refused.err);
      CHECK(refused.exit_code == 2);
      CHECK(refused.out.empty());
      CHECK(refused.err.find(std::string(option) + ": must be a positive number of seconds, "
                                                   "at most 1e10") != std::string::npos);
    }
  }
}

// `--bucket 99999999999999d` overflowed the multiplication to milliseconds (UBSan).
TEST_CASE("A huge analyze --bucket is refused without overflow", "[bad-input]") {
  TempDir dir;
  WriteFile(dir.File("app.log"), kReset);
  for (const char* bucket : {"99999999999999d", "9223372036854775807s", "3651d"}) {
    ProcessResult r = RunSockfilter({"analyze", "--bucket", bucket, dir.File("app.log")});
    INFO("--bucket " << bucket << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("not a duration (30s, 5m, 1h, 1d; at most 3650d)") != std::string::npos);
  }
  CHECK(RunSockfilter({"analyze", "--bucket", "3650d", dir.File("app.log")}).exit_code == 0);
}

// "-1" reads as 4294967295 for an unsigned option; the signature table's slots for that many
// were allocated up front and the process died of std::bad_alloc.
TEST_CASE("A huge or negative --max-signatures is refused, not allocated", "[bad-input]") {
  for (const char* n : {"-1", "4294967295", "10000001"}) {
    ProcessResult r = RunSockfilter({"--max-signatures", n}, kReset);
    INFO("--max-signatures " << n << "\n" << r.err);
    CHECK(r.exit_code == 2);
    // A negative count is refused as such before any range is looked at.
    CHECK(r.err.find(n[0] == '-' ? "--max-signatures: must not be negative"
                                 : "--max-signatures: must be between 1 and 10000000") !=
          std::string::npos);
  }
  ProcessResult largest = RunSockfilter({"--max-signatures", "10000000"}, kReset);
  CHECK(largest.exit_code == 0);
  CHECK(largest.out == kReset);
}

// `--jobs -1` was taken and wrapped around to a huge count of threads.
TEST_CASE("A negative analyze --jobs is refused", "[bad-input]") {
  TempDir dir;
  WriteFile(dir.File("app.log"), kReset);
  for (const char* n : {"-1", "-2147483648"}) {
    ProcessResult r = RunSockfilter({"analyze", "--jobs", n, dir.File("app.log")});
    INFO("--jobs " << n << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "sockfilter: analyze: --jobs " + std::string(n) +
                       ": must be 0 (the number of cores) or more\n");
  }
  for (const char* n : {"0", "1", "3"})
    CHECK(RunSockfilter({"analyze", "--jobs", n, dir.File("app.log")}).exit_code == 0);
}

// Found by the merge fuzz target: such a span made the text report's bucket arithmetic
// overflow.
TEST_CASE("merge refuses a summary whose span ends before it begins", "[bad-input]") {
  TempDir dir;
  WriteFile(dir.File("app.log"), "2024-03-11 03:13:29,842 INFO start\n" + kReset +
                                     "2024-03-11 04:00:00,000 INFO later\n");
  ProcessResult analyze = RunSockfilter({"analyze", "--format", "json", dir.File("app.log")});
  REQUIRE(analyze.exit_code == 0);
  std::string json = analyze.out;
  const std::string first = "2024-03-11T03:13:29.842Z", last = "2024-03-11T04:00:00.000Z";
  size_t span = json.find("\"span\"");
  REQUIRE(span != std::string::npos);
  size_t at_first = json.find(first, span), at_last = json.find(last, span);
  REQUIRE(at_first < at_last);
  json.replace(at_last, last.size(), first);
  json.replace(at_first, first.size(), last);
  WriteFile(dir.File("swapped.json"), json);
  ProcessResult merge = RunSockfilter({"merge", dir.File("swapped.json")});
  CHECK(merge.exit_code == 1);
  CHECK(merge.out.empty());
  CHECK(merge.err.find("swapped.json") != std::string::npos);
  CHECK(merge.err.find("first/last") != std::string::npos);
  // The untouched summary merges fine.
  WriteFile(dir.File("good.json"), analyze.out);
  CHECK(RunSockfilter({"merge", dir.File("good.json")}).exit_code == 0);
}

TEST_CASE("ANSI escape sequences pass through the filter but never reach the report raw",
          "[bad-input]") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 20; ++i) {
    text += "2024-03-11 03:13:29,842 ERROR [\x1b[31mmain\x1b[0m] upstream 10.0.0." +
            std::to_string(i) +
            ":443: java.net.SocketException: Connection reset \x1b]0;owned\x07\x1b[2J\x1b[H\n";
  }
  WriteFile(dir.File("ansi.log"), text);
  ProcessResult filter = RunSockfilter({"--dedupe", "none", dir.File("ansi.log")});
  CHECK(filter.exit_code == 0);
  CHECK(filter.out == text);  // the stream filter is byte-exact
  for (const char* format : {"text", "markdown", "json"}) {
    ProcessResult analyze = RunSockfilter({"analyze", "--format", format, dir.File("ansi.log")});
    INFO("analyze --format " << format << "\n" << analyze.out);
    CHECK(analyze.exit_code == 0);
    CHECK(analyze.out.find("conn_reset") != std::string::npos);
    CHECK(analyze.out.find('\x1b') == std::string::npos);
    CHECK(analyze.out.find('\x07') == std::string::npos);
  }
}

}  // namespace
}  // namespace sockfilter
