// Fault tests through the real binary: the reader of our output goes away, a shutdown
// signal arrives mid-flood, the disk fills up during `compact`, and a flood of events that
// are all different tries to make us grow without bound. docs/reliability.md lists each
// with what sockfilter does.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/child_process.h"
#include "tests/test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOCKFILTER_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOCKFILTER_TEST_SANITIZED 1
#endif
#endif

namespace sockfilter {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::ChildProcess;
using test::Pipe;
using test::TempDir;

const std::string kReset =
    "2024-03-11 03:13:29,842 ERROR [main] upstream: java.net.SocketException: Connection "
    "reset\n";

// Lines of text that no two alike and no flood: what a busy, healthy server writes.
std::string BusyLog(size_t bytes) {
  std::string text;
  for (uint64_t i = 0; text.size() < bytes; ++i) {
    text += "2024-03-11 03:13:29,842 INFO [http-nio-8080-exec-" + std::to_string(i % 200) +
            "] GET /api/items/" + std::to_string(i * 7919) + " 200 " + std::to_string(i % 97) +
            "ms\n";
  }
  return text;
}

// Reads what `fd` has until `text` has arrived (true) or `deadline` passes.
bool ReadUntil(int fd, const std::string& text, Clock::time_point deadline, std::string* out) {
  while (out->find(text) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
  }
  return true;
}

// Our choice when the reader goes away (`sockfilter big.log | head`): stop reading at once,
// write nothing more, say nothing, exit 0, as `yes`, `cat` and ripgrep users expect from a
// filter at the head of a pipe. The shutdown handlers ignore SIGPIPE so that this is a
// decision we make (EPIPE from write), not a death by signal (status 141).
TEST_CASE("When the reader closes the pipe mid-stream sockfilter exits 0, silently", "[fault]") {
  TempDir dir;
  test::WriteFile(dir.File("big.log"), BusyLog(24 << 20));
  Pipe out, err;
  ChildProcess child({dir.File("big.log")}, {.out = out.write_end(), .err = err.write_end()});
  out.CloseWrite();
  err.CloseWrite();
  char buf[65536];
  size_t got = 0;
  while (got < (256 << 10)) {
    ssize_t n = read(out.read_end(), buf, sizeof buf);
    REQUIRE(n > 0);
    got += static_cast<size_t>(n);
  }
  out.CloseRead();
  std::string errors = test::ReadAllFrom(err.read_end());
  CHECK(child.Wait().code == 0);
  CHECK(errors.empty());
}

TEST_CASE("An endless input stops being read once `head` has what it wanted", "[fault]") {
  TempDir dir;
  const std::string status = dir.File("status"), errors = dir.File("stderr");
  // `timeout` turns a hang into status 124 instead of a stuck test.
  test::WriteFile(dir.File("pipeline.sh"), "yes 'read: connection reset by peer' | { timeout 60 " +
                                               std::string(SOCKFILTER_BINARY) +
                                               " --dedupe none 2>" + errors + "; echo $? >" +
                                               status + "; } | head -n 3 >/dev/null\n");
  REQUIRE(test::Shell("bash " + dir.File("pipeline.sh")) == 0);
  CHECK(test::ReadFile(status) == "0\n");
  CHECK(test::ReadFile(errors).empty());
}

struct Ended {
  int code = -1;
  std::string err;
};

// Runs sockfilter with `args`, its stdout on `out_fd` and stdin on /dev/null.
Ended RunWithStdout(const std::vector<std::string>& args, int out_fd) {
  Pipe err;
  ChildProcess child(args, {.out = out_fd, .err = err.write_end()});
  err.CloseWrite();
  Ended ended;
  ended.err = test::ReadAllFrom(err.read_end());
  ended.code = child.Wait().code;
  return ended;
}

// A log and its summary, for the commands below.
struct Inputs {
  TempDir dir;
  std::string log = dir.File("app.log");
  std::string summary = dir.File("app.json");
  Inputs() {
    test::WriteFile(log, test::ReadFile(test::SourcePath("samples/java/spring-reset.log")));
    test::ProcessResult json = test::RunSockfilter({"analyze", "--format", "json", log});
    REQUIRE(json.exit_code == 0);
    test::WriteFile(summary, json.out);
  }
};

// The report is written in one go, after every input was read: a reader that wanted only its
// head (`analyze ... | head -c 100`) may be gone by then. Here it is gone from the start.
TEST_CASE("analyze and merge exit 0, silently, when their report's reader has gone", "[fault]") {
  Inputs in;
  std::vector<std::vector<std::string>> runs;
  for (const char* format : {"text", "json", "markdown"}) {
    runs.push_back({"analyze", "--format", format, in.log});
    runs.push_back({"merge", "--format", format, in.summary});
  }
  for (const std::vector<std::string>& args : runs) {
    INFO(args[0] << " " << args[1] << " " << args[2]);
    Pipe out;
    out.CloseRead();
    Ended ended = RunWithStdout(args, out.write_end());
    CHECK(ended.code == 0);
    CHECK(ended.err.empty());
  }
  // A --fail-on threshold met is still status 3: a CI gate must not pass because whoever
  // read the report stopped early.
  for (std::vector<std::string> args :
       {std::vector<std::string>{"analyze", "--fail-on", "conn_reset", in.log},
        {"merge", "--fail-on", "conn_reset", in.summary}}) {
    INFO(args[0] << " --fail-on");
    Pipe gone;
    gone.CloseRead();
    Ended met = RunWithStdout(args, gone.write_end());
    CHECK(met.code == 3);
    CHECK(met.err.find("--fail-on: ") != std::string::npos);
  }
  // An input that failed still makes the status 1, said in its own line.
  const std::string missing = in.dir.File("missing.log");
  Pipe out;
  out.CloseRead();
  Ended ended = RunWithStdout({"analyze", in.log, missing}, out.write_end());
  CHECK(ended.code == 1);
  CHECK(ended.err == "sockfilter: " + missing + ": No such file or directory\n");
}

// `rules list`, `--help` and `compact` ignored write errors on stdout (status 0, nothing said);
// analyze, merge and the filter report them. A reader that has gone is still no error.
TEST_CASE("Output that cannot be written is one error line and status 1", "[fault]") {
  Inputs in;
  const std::vector<std::vector<std::string>> runs = {
      {"rules", "list"},         {"--help"},          {"analyze", "--help"}, {"--version"},
      {"compact", "-n", in.log}, {"analyze", in.log}, {"merge", in.summary}, {in.log}};
  const int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (full < 0) WARN("no /dev/full here: write errors on stdout not tested");
  for (const std::vector<std::string>& args : runs) {
    std::string command;
    for (const std::string& arg : args) command += arg + " ";
    INFO(command);
    if (full >= 0) {
      Ended ended = RunWithStdout(args, full);
      INFO(ended.err);
      CHECK(ended.code == 1);
      CHECK(ended.err.rfind("sockfilter: <stdout>: ", 0) == 0);
      CHECK(std::count(ended.err.begin(), ended.err.end(), '\n') == 1);
    }
    Pipe out;
    out.CloseRead();
    Ended gone = RunWithStdout(args, out.write_end());
    CHECK(gone.code == 0);
    CHECK(gone.err.empty());
  }
  if (full >= 0) close(full);
}

// The dedupe tests cover SIGTERM; every shutdown signal must behave the same.
TEST_CASE("SIGINT, SIGHUP and SIGTERM write the pending marker and exit 0", "[fault]") {
  const int signo = GENERATE(SIGINT, SIGHUP, SIGTERM);
  INFO("signal " << signo);
  signal(SIGPIPE, SIG_IGN);
  Pipe in, out;
  ChildProcess child({}, {.in = in.read_end(), .out = out.write_end()});
  in.CloseRead();
  out.CloseWrite();
  std::string bytes;
  for (int i = 0; i < 5; ++i) bytes += kReset;
  REQUIRE(test::WriteAllTo(in.write_end(), bytes));
  std::string output;
  REQUIRE(ReadUntil(out.read_end(), kReset, Clock::now() + std::chrono::seconds(20), &output));
  // Let it pass the event on and block in read() again, stdin still open.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  child.Signal(signo);
  output += test::ReadAllFrom(out.read_end());
  CHECK(child.Wait().code == 0);
  CHECK(output.rfind(kReset, 0) == 0);
  CHECK(output.find("[sockfilter] suppressed repeats=4 lines=4 ") == kReset.size());
}

// A 1 MiB tmpfs, unmounted on scope exit; mounting needs privileges (CI runs as root).
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const std::string& path) : path_(path) {
    mounted_ = mount("tmpfs", path.c_str(), "tmpfs", 0, "size=1m") == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string path_;
  bool mounted_;
};

TEST_CASE("compact on a full disk fails with exit 1 and leaves the original intact", "[fault]") {
  TempDir dir;
  const std::string mount_point = dir.File("small");
  fs::create_directory(mount_point);
  SmallFilesystem small(mount_point);
  if (!small.mounted()) {
    WARN("cannot mount a 1 MiB tmpfs here (needs root): disk-full compact not tested");
    return;
  }
  // 640 KiB that compacts to nearly the same size: the copy cannot fit beside it.
  const std::string original = BusyLog(640 << 10);
  const std::string path = mount_point + "/app.log-20240311";
  test::WriteFile(path, original);
  test::ProcessResult r = test::RunSockfilter({"compact", path});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("No space left on device") != std::string::npos);
  CHECK(test::ReadFile(path) == original);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(mount_point))
    left.push_back(entry.path().filename().string());
  CHECK(left == std::vector<std::string>{"app.log-20240311"});  // no temporary file left over
}

// A million socket errors that all differ after normalization: the signature table is
// capped (--max-signatures, evicting the least recently seen), so memory stays flat.
TEST_CASE("Peak memory stays under 64 MiB through a flood of unique socket errors", "[fault]") {
#ifdef SOCKFILTER_TEST_SANITIZED
  const uint64_t kEvents = 200'000;  // ASan's shadow memory makes RSS meaningless here
#else
  const uint64_t kEvents = 1'000'000;  // ten times --max-signatures' default
#endif
  Pipe in, out;
  signal(SIGPIPE, SIG_IGN);  // a child that died shows up as a failed write
  test::TempDir dir;
  const std::string rss_file = dir.File("peak_rss");
  const bool have_time = access("/usr/bin/time", X_OK) == 0;  // installed by install-deps.sh
  ChildProcess child({}, {.in = in.read_end(),
                          .out = out.write_end(),
                          .peak_rss_file = have_time ? rss_file.c_str() : nullptr});
  in.CloseRead();
  out.CloseWrite();
  uint64_t bytes_in = 0, bytes_out = 0;
  std::thread reader([&] {
    char buf[1 << 16];
    for (ssize_t n; (n = read(out.read_end(), buf, sizeof buf)) > 0;) bytes_out += n;
  });
  std::string batch;
  for (uint64_t i = 0; i < kEvents; ++i) {
    // Letters g..z only: no digits or hex for the normalizer to mask, so every one differs.
    char name[7];
    for (uint64_t k = 0, v = i; k < 6; ++k, v /= 20) name[k] = static_cast<char>('g' + v % 20);
    name[6] = '\0';
    batch += "2024-03-11 03:13:29,842 ERROR [main] handler ";
    batch += name;
    batch += ": java.net.SocketException: Connection reset\n";
    if (batch.size() > (1 << 20) || i + 1 == kEvents) {
      REQUIRE(test::WriteAllTo(in.write_end(), batch));
      bytes_in += batch.size();
      batch.clear();
    }
  }
  in.CloseWrite();
  reader.join();
  ChildProcess::Exit exit = child.Wait();
  CHECK(exit.code == 0);
  CHECK(bytes_out == bytes_in);  // nothing repeats, so nothing is suppressed
  INFO("peak RSS " << exit.peak_rss_kib << " KiB for " << kEvents << " unique events");
#ifdef SOCKFILTER_TEST_SANITIZED
  WARN("sanitizer build: peak RSS " << exit.peak_rss_kib << " KiB, not checked");
#else
  if (!have_time) {
    WARN("no /usr/bin/time (package time): peak RSS not measured");
  } else {
    CHECK(exit.peak_rss_kib > 0);
    CHECK(exit.peak_rss_kib < 64 * 1024);
  }
#endif
}

}  // namespace
}  // namespace sockfilter
