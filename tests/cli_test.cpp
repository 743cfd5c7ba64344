// The command line as a user meets it: the real binary, real pipes, real files.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_util.h"

extern char** environ;

namespace sockfilter {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

size_t CountLines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// sockfilter running with its stdin and stdout on pipes we hold, for live-stream tests.
class LiveRun {
 public:
  explicit LiveRun(const std::vector<std::string>& args) {
    signal(SIGPIPE, SIG_IGN);  // a child that died shows up as a failed write
    int in[2], out[2];
    REQUIRE(pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(pipe2(out, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::vector<std::string> storage = {SOCKFILTER_BINARY};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, SOCKFILTER_BINARY, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~LiveRun() {
    CloseInput();
    if (pid_ > 0) Wait();
    close(out_);
  }

  void Write(std::string_view bytes) {
    REQUIRE(write(in_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  void CloseInput() {
    if (in_ >= 0) close(in_);
    in_ = -1;
  }
  // Reads what arrives on stdout until `want` bytes in all have come or `deadline_ms` passes.
  void ReadUntil(size_t want, int deadline_ms) {
    Clock::time_point start = Clock::now();
    while (out.size() < want) {
      int left = deadline_ms - static_cast<int>(MsSince(start));
      if (left <= 0) return;
      struct pollfd p = {out_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) continue;
      char buf[65536];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string out;

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
};

// ---- help, version, usage errors -----------------------------------------------------------

std::vector<std::string> Subcommands() {
  std::istringstream overview(test::RunSockfilter({"--help"}).out);
  std::vector<std::string> names;
  bool in_list = false;
  for (std::string line; std::getline(overview, line);) {
    if (line == "Subcommands:")
      in_list = true;
    else if (line.empty())
      in_list = false;
    else if (in_list)
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return names;
}

TEST_CASE("--help gives an overview, and each subcommand has its own help") {
  test::ProcessResult overview = test::RunSockfilter({"--help"});
  CHECK(overview.exit_code == 0);
  CHECK(overview.err.empty());
  CHECK(overview.out.find("Usage: sockfilter [filter] [OPTIONS] [FILE...]") != std::string::npos);
  std::vector<std::string> subcommands = Subcommands();
  REQUIRE_FALSE(subcommands.empty());
  CHECK(subcommands[0] == "filter");
  for (const std::string& sub : subcommands) {
    INFO(sub);
    test::ProcessResult help = test::RunSockfilter({sub, "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.err.empty());
    CHECK(help.out.rfind("Usage: sockfilter ", 0) == 0);
    CHECK(help.out.find("--help") != std::string::npos);
  }
  test::ProcessResult filter = test::RunSockfilter({"filter", "--help"});
  for (const char* option : {"--flush-timeout", "--max-event-lines", "--max-event-bytes",
                             "--config", "--verbose", "--quiet", "--version"}) {
    CHECK(filter.out.find(option) != std::string::npos);
  }
}

TEST_CASE("--version prints the name and version only") {
  test::ProcessResult run = test::RunSockfilter({"--version"});
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out.rfind("sockfilter ", 0) == 0);
  CHECK(CountLines(run.out) == 1);
  CHECK(run.out.find_first_of("0123456789") != std::string::npos);
}

TEST_CASE("An unknown option is a usage error in one line, exit status 2") {
  for (std::vector<std::string> args : {std::vector<std::string>{"--no-such-option"},
                                        {"filter", "--bogus"},
                                        {"--max-event-lines", "many"},
                                        {"--flush-timeout"}}) {
    INFO(args[0]);
    test::ProcessResult run = test::RunSockfilter(args, "2024-03-11 line\n");
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(CountLines(run.err) == 1);
  }
}

// ---- inputs --------------------------------------------------------------------------------

TEST_CASE("`-` reads standard input among the files, in order") {
  test::TempDir dir;
  test::WriteFile(dir.File("a.log"), "2024-03-11 a\n");
  test::WriteFile(dir.File("b.log"), "2024-03-11 b\n");
  test::ProcessResult run =
      test::RunSockfilter({dir.File("a.log"), "-", dir.File("b.log")}, "2024-03-11 stdin\n");
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out == "2024-03-11 a\n2024-03-11 stdin\n2024-03-11 b\n");
  test::ProcessResult stdin_only = test::RunSockfilter({"-"}, "just stdin\n");
  CHECK(stdin_only.out == "just stdin\n");
}

TEST_CASE("A missing file is one error line naming it; the others are still processed") {
  test::TempDir dir;
  test::WriteFile(dir.File("a.log"), "2024-03-11 a\n");
  test::WriteFile(dir.File("b.log"), "2024-03-11 b\n");
  std::string missing = dir.File("missing.log");
  test::ProcessResult run = test::RunSockfilter({dir.File("a.log"), missing, dir.File("b.log")});
  CHECK(run.exit_code == 1);
  CHECK(run.out == "2024-03-11 a\n2024-03-11 b\n");  // nothing but the output on stdout
  CHECK(CountLines(run.err) == 1);
  CHECK(run.err.find(missing) != std::string::npos);

  test::ProcessResult directory = test::RunSockfilter({dir.path(), dir.File("b.log")});
  CHECK(directory.exit_code == 1);
  CHECK(directory.out == "2024-03-11 b\n");
  CHECK(CountLines(directory.err) == 1);
  CHECK(directory.err.find(dir.path()) != std::string::npos);
}

TEST_CASE("--verbose and --quiet never put anything but output on stdout") {
  std::string input = "2024-03-11 03:13:29 ERROR x\njava.io.IOException: Broken pipe\n";
  for (const char* flag : {"-v", "--verbose=2", "-q"}) {
    test::ProcessResult run = test::RunSockfilter({flag}, input);
    CHECK(run.exit_code == 0);
    CHECK(run.out == input);
  }
}

TEST_CASE("-v and -vv take no value: the word after them is still a file") {
  test::TempDir dir;
  std::string input = "2024-03-11 03:13:29 INFO a\n2024-03-11 03:13:30 INFO b\n";
  test::WriteFile(dir.File("a.log"), input);
  for (const char* flag : {"-v", "-vv", "--verbose"}) {
    INFO(flag);
    test::ProcessResult run = test::RunSockfilter({flag, dir.File("a.log")});
    CHECK(run.exit_code == 0);
    CHECK(run.out == input);
  }
  test::ProcessResult analyze =
      test::RunSockfilter({"analyze", "-v", "--format", "json", dir.path()});
  CHECK(analyze.exit_code == 0);
  CHECK(analyze.out.find("\"lines\": 2,") != std::string::npos);
  // A bare --verbose still takes a level after it.
  test::ProcessResult level = test::RunSockfilter({"--verbose", "2", dir.File("a.log")});
  CHECK(level.exit_code == 0);
  CHECK(level.out == input);
  // "-v" as the value of another option is not made a --verbose the user never typed.
  test::ProcessResult glob = test::RunSockfilter({"analyze", "--glob", "-v", dir.path()});
  CHECK(glob.exit_code == 2);
  CHECK(glob.err.find("--glob") != std::string::npos);
  CHECK(glob.err.find("--verbose=") == std::string::npos);
  // After `--`, "-v" is a file name like any other.
  test::ProcessResult named = test::RunSockfilter({"--", "-v"});
  CHECK(named.exit_code == 1);
  CHECK(named.err.find("-v:") != std::string::npos);
}

TEST_CASE("A negative count or timeout is a usage error naming the option, not a huge value") {
  test::TempDir dir;
  test::WriteFile(dir.File("a.log"), "2024-03-11 a\n");
  for (std::vector<std::string> args : {std::vector<std::string>{"--keep", "-1"},
                                        {"--keep=-1"},
                                        {"--max-event-lines", "-5"},
                                        {"--max-signatures=-1"},
                                        {"--flush-timeout", "-1"},
                                        {"analyze", "--top", "-1"},
                                        {"compact", "-n", "--max-event-bytes=-1"}}) {
    INFO(args[0]);
    args.push_back(dir.File("a.log"));
    test::ProcessResult run = test::RunSockfilter(args);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(CountLines(run.err) == 1);
    CHECK(run.err.find("negative") != std::string::npos);
  }
  std::string ini = dir.File("negative.ini");
  test::WriteFile(ini, "keep = -3\n");
  test::ProcessResult from_file = test::RunSockfilter({"--config", ini, dir.File("a.log")});
  CHECK(from_file.exit_code == 2);
  CHECK(from_file.err.find("negative.ini") != std::string::npos);
  CHECK(from_file.err.find("--keep") != std::string::npos);
}

TEST_CASE("--config reads options from an INI file") {
  test::TempDir dir;
  std::string input = "2024-03-11 a\n";
  std::string good = dir.File("good.ini");
  test::WriteFile(good, "# comment\nflush-timeout = 150\nmax-event-lines = 10\n");
  test::ProcessResult run = test::RunSockfilter({"--config", good}, input);
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out == input);

  // An option read from the file takes effect: a rules folder that does not exist.
  std::string rules = dir.File("bad-rules.ini");
  test::WriteFile(rules, "rules = " + dir.File("no-such-rules") + "\n");
  test::ProcessResult bad_rules = test::RunSockfilter({"--config", rules}, input);
  CHECK(bad_rules.exit_code == 2);
  CHECK(bad_rules.err.find("no-such-rules") != std::string::npos);

  std::string bad_value = dir.File("bad-value.ini");
  test::WriteFile(bad_value, "max-event-lines = many\n");
  CHECK(test::RunSockfilter({"--config", bad_value}, input).exit_code == 2);
  // The file's own errors name it.
  std::string unknown = dir.File("unknown.ini");
  test::WriteFile(unknown, "no-such-option = 1\n");
  test::ProcessResult unknown_run = test::RunSockfilter({"--config", unknown}, input);
  CHECK(unknown_run.exit_code == 2);
  CHECK(unknown_run.err.find("unknown.ini: ") != std::string::npos);
  CHECK(unknown_run.err.find("no-such-option") != std::string::npos);
  std::string no_equals = dir.File("no-equals.ini");
  test::WriteFile(no_equals, "window 5\n");
  test::ProcessResult no_equals_run = test::RunSockfilter({"--config", no_equals}, input);
  CHECK(no_equals_run.exit_code == 2);
  CHECK(no_equals_run.err.find("no-equals.ini: ") != std::string::npos);
  test::ProcessResult missing = test::RunSockfilter({"--config", dir.File("none.ini")}, input);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("none.ini") != std::string::npos);
}

// ---- closed stdout -------------------------------------------------------------------------

TEST_CASE("A closed stdout (sockfilter big | head -1) ends quietly with status 0") {
  test::TempDir dir;
  std::string big;
  for (int i = 0; big.size() < (8 << 20); ++i) {
    big += "2024-03-11 03:13:29." + std::to_string(i % 1000) +
           " ERROR request failed\njava.lang.IllegalStateException: cart " + std::to_string(i) +
           "\n\tat com.example.Cart.check(Cart.java:" + std::to_string(i % 500) + ")\n";
  }
  test::WriteFile(dir.File("big.log"), big);
  // Nothing in it is suppressed, so the output is far bigger than any pipe buffer.
  REQUIRE(test::RunSockfilter({dir.File("big.log")}).out.size() == big.size());
  const std::string bin = SOCKFILTER_BINARY;
  for (const std::string& producer :
       {"'" + bin + "' big.log", "cat big.log | '" + bin + "'", "'" + bin + "' - < big.log"}) {
    INFO(producer);
    std::string script =
        "cd '" + dir.path() + "' && ( " + producer + " 2> err; echo $? > rc ) | head -1 > out";
    REQUIRE(test::Shell(script) == 0);
    CHECK(test::ReadFile(dir.File("rc")) == "0\n");
    CHECK(test::ReadFile(dir.File("err")).empty());
    CHECK(test::ReadFile(dir.File("out")) == "2024-03-11 03:13:29.0 ERROR request failed\n");
  }
}

// ---- live streams --------------------------------------------------------------------------

TEST_CASE("A pending event is passed on after --flush-timeout without input, through a pipe") {
  LiveRun run({"--flush-timeout", "200"});
  std::string event =
      "2024-03-11 03:13:29.842 ERROR [exec-1] request failed\n"
      "\tat sun.nio.ch.SocketDispatcher.read0(Native Method)\n";
  run.Write(event);
  Clock::time_point last_line = Clock::now();
  run.ReadUntil(1, 2000);
  int64_t first_output_ms = MsSince(last_line);
  run.ReadUntil(event.size(), 2000);
  CHECK(run.out == event);
  // The event could still have been continued: it is held until the timeout has passed.
  CHECK(first_output_ms >= 150);

  // Continuation lines keep the event open; the timeout counts from the last one.
  std::string more = "2024-03-11 03:13:30.001 ERROR [exec-2] again\n";
  run.Write(more);
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string frame = "\tat frame.F" + std::to_string(i) + "(F.java:1)\n";
    run.Write(frame);
    more += frame;
  }
  last_line = Clock::now();
  run.ReadUntil(event.size() + 1, 2000);
  CHECK(MsSince(last_line) >= 150);
  run.ReadUntil(event.size() + more.size(), 2000);
  CHECK(run.out == event + more);
  run.CloseInput();
  CHECK(run.Wait() == 0);
}

TEST_CASE("--flush-timeout given in a --config file is used") {
  test::TempDir dir;
  test::WriteFile(dir.File("slow.ini"), "flush-timeout = 500\n");
  LiveRun run({"--config", dir.File("slow.ini")});
  std::string event = "2024-03-11 03:13:29 ERROR x\njava.io.IOException: Broken pipe\n";
  run.Write(event);
  Clock::time_point last_line = Clock::now();
  run.ReadUntil(1, 3000);
  CHECK(MsSince(last_line) >= 400);
  run.ReadUntil(event.size(), 3000);
  CHECK(run.out == event);
}

TEST_CASE("A slow feed (one line every 50 ms, as from tail -f) shows every line while live") {
  LiveRun run({"--flush-timeout", "100"});
  std::string sent;
  for (int i = 0; i < 10; ++i) {
    std::string line =
        "2024-03-11 03:13:" + std::to_string(10 + i) + " INFO tick " + std::to_string(i) + "\n";
    if (i % 3 == 1) line += "java.lang.IllegalStateException: cart " + std::to_string(i) + "\n";
    run.Write(line);
    sent += line;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The input stays open: every line must come out without waiting for the end.
  run.ReadUntil(sent.size(), 2000);
  CHECK(run.out == sent);
  run.CloseInput();
  CHECK(run.Wait() == 0);
}

}  // namespace
}  // namespace sockfilter
