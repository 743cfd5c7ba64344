// `sockfilter compact`: in-place compaction with the real binary, real gzip/zstd/logrotate,
// real signals and resource limits.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/summary_json.h"
#include "tests/test_util.h"

extern char** environ;

namespace sockfilter::test {

namespace {

namespace fs = std::filesystem;

// A Java-style log with floods of identical connection resets between ordinary lines.
std::string FloodLog(int seed, int events) {
  std::mt19937 rng(seed);
  std::string log;
  for (int i = 0; i < events; ++i) {
    int sec = i / 10;
    std::string ts = "2024-03-11 05:" + std::to_string(10 + sec / 60) + ":" +
                     std::to_string(10 + sec % 50) + ".123";
    if (rng() % 3 == 0) {
      log += ts + "  INFO 1 --- [exec-" + std::to_string(rng() % 9) +
             "] c.a.Cart : Completed GET /cart/" + std::to_string(rng() % 100000) + " in " +
             std::to_string(rng() % 900) + " ms\n";
      continue;
    }
    log += ts + " ERROR 1 --- [exec-" + std::to_string(rng() % 9) +
           "] c.a.Api : request failed\n"
           "java.net.SocketException: Connection reset\n"
           "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)\n"
           "\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1025)\n"
           "\tat com.acme.api.Client.call(Client.java:88)\n";
  }
  return log;
}

// A log for the end-to-end tests: gen_corpus.py when it is beside the checkout.
std::string CorpusLog(const TempDir& dir, int seed) {
  std::string script = GenCorpusScript();
  if (script.empty()) return FloodLog(seed, 4000);
  std::string out = dir.File("corpus-" + std::to_string(seed) + ".log");
  REQUIRE(Shell("python3 " + script + " 1 " + out + " --seed " + std::to_string(seed) +
                " --socket-frac 0.3 >/dev/null 2>&1") == 0);
  return ReadFile(out);
}

// What `sockfilter FILE` writes for `content` (the compacted content must equal it).
std::string FilterOutput(const TempDir& dir, const std::string& content) {
  std::string path = dir.File(".filter-input");
  WriteFile(path, content);
  ProcessResult r = RunSockfilter({path});
  REQUIRE(r.exit_code == 0);
  fs::remove(path);
  return r.out;
}

// Runs a shell command; returns its exit code and puts its stderr in *err.
int ShellWithStderr(const TempDir& dir, const std::string& command, std::string* err) {
  std::string err_file = dir.File(".stderr");
  int rc = Shell(command + " 2>" + err_file);
  *err = ReadFile(err_file);
  fs::remove(err_file);
  return rc;
}

std::string Bin() { return SOCKFILTER_BINARY; }

std::string Decompressed(const std::string& path) {
  std::string out = path + ".plain";
  REQUIRE(Shell("zstd -dcq -f '" + path + "' > '" + out + "' 2>/dev/null || zcat -f '" + path +
                "' > '" + out + "'") == 0);
  std::string text = ReadFile(out);
  fs::remove(out);
  return text;
}

// Names in `dir` other than the given ones (stray temporary files, ...).
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

uint64_t CountLines(const std::string& text) {
  return static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

// Markers in compacted text and the lines they stand for (sum of their lines=).
struct MarkerCount {
  uint64_t markers = 0;
  uint64_t suppressed_lines = 0;
};

MarkerCount CountMarkers(const std::string& text) {
  MarkerCount count;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    bool marker = line.rfind("[sockfilter] suppressed ", 0) == 0 ||
                  line.find("\"sockfilter\":\"suppressed\"") != std::string_view::npos;
    if (marker) {
      ++count.markers;
      size_t at = line.find("lines=");
      size_t skip = 6;
      if (at == std::string_view::npos) at = line.find("\"lines\":"), skip = 8;
      REQUIRE(at != std::string_view::npos);
      count.suppressed_lines += std::stoull(std::string(line.substr(at + skip, 20)));
    }
    pos = end + 1;
  }
  return count;
}

// The line count of a summary file, read back the way `sockfilter merge` reads it.
uint64_t SummaryLines(const std::string& path) {
  Result<Summary> summary = ReadSummaryJson(ReadFile(path), path);
  INFO(path << ": " << summary.status().message());
  REQUIRE(summary.ok());
  return summary->lines;
}

void CheckAccounting(const std::string& before, const std::string& after) {
  MarkerCount m = CountMarkers(after);
  INFO("markers " << m.markers << ", suppressed lines " << m.suppressed_lines);
  CHECK(CountLines(before) == CountLines(after) - m.markers + m.suppressed_lines);
}

// What `sockfilter analyze` counts in a file: socket errors and, per cause, events, lines
// and each signature's events (not bytes or times, which compaction changes).
std::string AnalyzeCounts(const std::string& path) {
  ProcessResult r = RunSockfilter({"analyze", "--format", "json", path});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
  std::ostringstream counts;
  counts << "socket_errors=" << uint64_t(doc["socket_errors"]);
  for (auto [id, cause] : doc["causes"].get_object()) {
    counts << " " << id << ":count=" << uint64_t(cause["count"])
           << ",lines=" << uint64_t(cause["lines"]);
    for (simdjson::dom::element sig : cause["signatures"].get_array())
      counts << "," << std::string_view(sig["sig"]) << "=" << uint64_t(sig["count"]);
  }
  return counts.str();
}

}  // namespace

// A second `compact` of the same file reads the first one's output: its summary, made from
// the markers, would count the events but lose their lines, peers and times.
TEST_CASE("compact of a file compacted already keeps the summary of its original") {
  TempDir dir;
  std::string path = dir.File("app.log-20240311");
  WriteFile(path, FloodLog(3, 2000));
  ProcessResult first = RunSockfilter({"compact", path});
  REQUIRE(first.exit_code == 0);
  const std::string summary = ReadFile(path + ".sockfilter.json");
  const std::string compacted = ReadFile(path);
  ProcessResult again = RunSockfilter({"compact", path});
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find(" summary=" + path + ".sockfilter.json summary_kept=yes\n") !=
        std::string::npos);
  CHECK(ReadFile(path + ".sockfilter.json") == summary);
  CHECK(ReadFile(path) == compacted);  // nothing more to collapse

  // A log that holds markers but has no summary yet gets one, from what it holds.
  std::string filtered = dir.File("filtered.log");
  WriteFile(filtered, compacted);
  ProcessResult fresh = RunSockfilter({"compact", filtered});
  REQUIRE(fresh.exit_code == 0);
  CHECK(fresh.out.find("summary_kept") == std::string::npos);
  CHECK(SummaryLines(filtered + ".sockfilter.json") == CountLines(compacted));
  CHECK(SummaryLines(path + ".sockfilter.json") > CountLines(compacted));  // the original's

  // Another log under the same name (numbered rotation), written through the filter so it
  // holds markers too, does not count what the old summary counts: that is replaced.
  std::string other = FilterOutput(dir, FloodLog(4, 1500));
  WriteFile(path, other);
  ProcessResult replaced = RunSockfilter({"compact", path});
  REQUIRE(replaced.exit_code == 0);
  CHECK(replaced.out.find("summary_kept") == std::string::npos);
  CHECK(ReadFile(path + ".sockfilter.json") != summary);
  CHECK(SummaryLines(path + ".sockfilter.json") == CountLines(other));
}

TEST_CASE("compact rewrites a file with exactly what the filter writes for it") {
  TempDir dir;
  std::string log = FloodLog(1, 3000);
  std::string path = dir.File("app.log.1");
  WriteFile(path, log);
  ProcessResult r = RunSockfilter({"compact", path});
  REQUIRE(r.exit_code == 0);
  std::string compacted = ReadFile(path);
  CHECK(compacted == FilterOutput(dir, log));
  CheckAccounting(log, compacted);
  CHECK(r.out.rfind("compacted file=" + path + " bytes_before=" + std::to_string(log.size()) +
                        " bytes_after=" + std::to_string(compacted.size()) + " ratio=",
                    0) == 0);
  CHECK(r.out.find(" events_suppressed=") != std::string::npos);
  CHECK(r.out.find(" summary=" + path + ".sockfilter.json\n") != std::string::npos);
  CHECK(SummaryLines(path + ".sockfilter.json") == CountLines(log));  // of the original
  CHECK(Entries(dir.path()) == std::vector<std::string>{"app.log.1", "app.log.1.sockfilter.json"});
}

// The marker written after an unterminated last line used to be glued onto it, where
// analyze did not see it: six resets analysed to two after compaction.
TEST_CASE("compact of a file whose last line has no newline keeps analyze's counts") {
  TempDir dir;
  std::string log;
  for (int i = 1; i <= 6; ++i) {
    log += "2024-03-11 03:13:3" + std::to_string(i) +
           ".842 ERROR x: java.io.IOException: Connection reset by peer\n";
  }
  log += "2024-03-11 03:13:39.842 INFO ok";  // no newline
  std::string path = dir.File("nonl.log");
  WriteFile(path, log);
  std::string before = AnalyzeCounts(path);
  CHECK(before.rfind("socket_errors=6 conn_reset:count=6,lines=6,", 0) == 0);
  ProcessResult r = RunSockfilter({"compact", path});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(" events_suppressed=5 ") != std::string::npos);
  std::string compacted = ReadFile(path);
  INFO(compacted);
  CHECK(compacted == FilterOutput(dir, log));
  MarkerCount m = CountMarkers(compacted);  // markers at the start of a line
  CHECK(m.markers == 1);
  CHECK(m.suppressed_lines == 5);
  CHECK(AnalyzeCounts(path) == before);
  // Compacting it again changes nothing.
  REQUIRE(RunSockfilter({"compact", "--no-summary", path}).exit_code == 0);
  CHECK(ReadFile(path) == compacted);
}

TEST_CASE("compact writes the same file and summary read ahead as on one thread") {
  std::string gen = GenCorpusScript();
  if (gen.empty()) {
    WARN("gen_corpus.py not found beside the checkout; read-ahead equivalence not checked");
    return;
  }
  TempDir source;
  // Over 2 MiB: several read-ahead blocks, so events and the rules' literals cross seams.
  REQUIRE(Shell("python3 " + gen + " 3 " + source.File("app.log.1") +
                " --seed 11 >/dev/null 2>&1") == 0);
  const std::string log = ReadFile(source.File("app.log.1"));
  for (const std::string name : {"app.log.1", "app.log.1.gz"}) {
    INFO(name);
    // The same name in two directories, so that the summaries may be compared whole.
    TempDir ahead_dir, single_dir;
    for (TempDir* dir : {&ahead_dir, &single_dir}) {
      WriteFile(dir->File("app.log.1"), log);
      if (name.ends_with(".gz")) REQUIRE(Shell("gzip " + dir->File("app.log.1")) == 0);
    }
    ProcessResult ahead = RunSockfilter({"compact", ahead_dir.File(name)});
    ProcessResult single = RunSockfilter({"compact", "--single-thread", single_dir.File(name)});
    REQUIRE(ahead.exit_code == 0);
    REQUIRE(single.exit_code == 0);
    std::string ahead_text =
        name.ends_with(".gz") ? Decompressed(ahead_dir.File(name)) : ReadFile(ahead_dir.File(name));
    CHECK(ahead_text.size() < log.size() * 9 / 10);  // the floods went
    CHECK(ahead_text == (name.ends_with(".gz") ? Decompressed(single_dir.File(name))
                                               : ReadFile(single_dir.File(name))));
    std::string summary = ReadFile(ahead_dir.File(name + ".sockfilter.json"));
    CHECK(summary.find("\"conn_reset\"") != std::string::npos);
    CHECK(summary == ReadFile(single_dir.File(name + ".sockfilter.json")));
  }
}

TEST_CASE("compact gives a syslog file the year of its mtime, as the filter does") {
  // Syslog timestamps carry no year: both commands take it from the file's mtime, so a
  // file rotated in an earlier year compacts to the filter's bytes (markers included).
  TempDir dir;
  std::string log;
  for (int i = 0; i < 20; ++i) {
    log += "Dec 31 23:59:" + std::string(i < 10 ? "0" : "") + std::to_string(i) +
           " web-01 sshd[4242]: fatal: Write failed: Connection reset by peer [preauth]\n";
  }
  std::string path = dir.File("auth.log.1");
  WriteFile(path, log);
  REQUIRE(Shell("touch -d '2020-12-31 23:59:59' " + path) == 0);
  ProcessResult filtered = RunSockfilter({path});
  REQUIRE(filtered.exit_code == 0);
  REQUIRE(filtered.out.find("first=2020-12-31T23:59:01.000Z") != std::string::npos);
  REQUIRE(RunSockfilter({"compact", "--no-summary", path}).exit_code == 0);
  CHECK(ReadFile(path) == filtered.out);
}

TEST_CASE("compact keeps the file's mode and modification time") {
  TempDir dir;
  std::string path = dir.File("app.log.1");
  WriteFile(path, FloodLog(2, 500));
  REQUIRE(chmod(path.c_str(), 0604) == 0);
  struct timespec times[2] = {{1500000000, 123456789}, {1600000000, 987654321}};
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  REQUIRE(RunSockfilter({"compact", "--no-summary", path}).exit_code == 0);
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0604);
  CHECK(st.st_mtim.tv_sec == 1600000000);
  CHECK(st.st_mtim.tv_nsec == 987654321);
  CHECK(st.st_uid == geteuid());
}

TEST_CASE("compact writes gzip input back as gzip that gzip -t and zcat accept") {
  TempDir dir;
  std::string log = FloodLog(3, 2000);
  WriteFile(dir.File("app.log.2"), log);
  REQUIRE(Shell("gzip -9 " + dir.File("app.log.2")) == 0);
  std::string path = dir.File("app.log.2.gz");
  ProcessResult r = RunSockfilter({"compact", path});
  REQUIRE(r.exit_code == 0);
  CHECK(Shell("gzip -t " + path) == 0);
  CHECK(Decompressed(path) == FilterOutput(dir, log));
  CHECK(fs::exists(path + ".sockfilter.json"));
}

TEST_CASE("compact writes zstd input back as zstd that zstd -t accepts") {
  TempDir dir;
  std::string log = FloodLog(4, 2000);
  WriteFile(dir.File("app.log.3"), log);
  REQUIRE(Shell("zstd -q --rm " + dir.File("app.log.3")) == 0);
  std::string path = dir.File("app.log.3.zst");
  REQUIRE(RunSockfilter({"compact", path}).exit_code == 0);
  CHECK(Shell("zstd -q -t " + path) == 0);
  CHECK(Decompressed(path) == FilterOutput(dir, log));
}

TEST_CASE("compact --compress changes the format and the name, and removes the old name") {
  TempDir dir;
  std::string log = FloodLog(5, 1000);
  std::string path = dir.File("app.log.1");
  WriteFile(path, log);
  ProcessResult r = RunSockfilter({"compact", "--compress", "zstd", path});
  REQUIRE(r.exit_code == 0);
  CHECK(!fs::exists(path));
  CHECK(Shell("zstd -q -t " + path + ".zst") == 0);
  CHECK(Decompressed(path + ".zst") == FilterOutput(dir, log));
  CHECK(r.out.find(" output=" + path + ".zst") != std::string::npos);
  CHECK(fs::exists(path + ".zst.sockfilter.json"));

  REQUIRE(RunSockfilter({"compact", "--compress", "gzip", path + ".zst"}).exit_code == 0);
  CHECK(Shell("gzip -t " + path + ".gz") == 0);
  REQUIRE(RunSockfilter({"compact", "--compress", "none", path + ".gz"}).exit_code == 0);
  CHECK(Entries(dir.path()) == std::vector<std::string>{"app.log.1", "app.log.1.gz.sockfilter.json",
                                                        "app.log.1.sockfilter.json",
                                                        "app.log.1.zst.sockfilter.json"});
}

TEST_CASE("compact --compress refuses to overwrite a file that has the new name") {
  TempDir dir;
  std::string path = dir.File("app.log.1");
  WriteFile(path, FloodLog(6, 300));
  WriteFile(path + ".gz", "someone else's file");
  ProcessResult r = RunSockfilter({"compact", "--compress", "gzip", path});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("already exists") != std::string::npos);
  CHECK(ReadFile(path + ".gz") == "someone else's file");
  CHECK(ReadFile(path) == FloodLog(6, 300));
}

TEST_CASE("compact refuses a symlink and leaves it and its target alone") {
  TempDir dir;
  std::string target = dir.File("real.log");
  WriteFile(target, FloodLog(7, 300));
  fs::create_symlink(target, dir.File("link.log"));
  ProcessResult r = RunSockfilter({"compact", dir.File("link.log")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("link.log: is a symbolic link") != std::string::npos);
  CHECK(fs::is_symlink(dir.File("link.log")));
  CHECK(ReadFile(target) == FloodLog(7, 300));
  CHECK(Entries(dir.path()) == std::vector<std::string>{"link.log", "real.log"});
}

TEST_CASE("compact refuses a FIFO without blocking on it") {
  TempDir dir;
  std::string fifo = dir.File("pipe.log");
  REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
  ProcessResult r = RunSockfilter({"compact", fifo});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("pipe.log: not a regular file") != std::string::npos);
}

TEST_CASE("compact --dry-run reports the saving and changes nothing") {
  TempDir dir;
  std::string log = FloodLog(8, 2000);
  std::string path = dir.File("app.log.1");
  WriteFile(path, log);
  struct timespec times[2] = {{1500000000, 0}, {1500000000, 0}};
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  ProcessResult r = RunSockfilter({"compact", "--dry-run", path});
  REQUIRE(r.exit_code == 0);
  std::string expected_after = std::to_string(FilterOutput(dir, log).size());
  CHECK(r.out.rfind("dry-run file=" + path + " bytes_before=" + std::to_string(log.size()) +
                        " bytes_after=" + expected_after + " ",
                    0) == 0);
  CHECK(ReadFile(path) == log);
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == 1500000000);
  CHECK(Entries(dir.path()) == std::vector<std::string>{"app.log.1"});
}

TEST_CASE("compact under a file-size limit fails cleanly and leaves the original intact") {
  TempDir dir;
  std::string log = FloodLog(9, 4000);
  std::string path = dir.File("app.log.1");
  WriteFile(path, log);
  REQUIRE(FilterOutput(dir, log).size() > 8192);
  std::string err;
  int rc = ShellWithStderr(dir, "prlimit --fsize=8192 " + Bin() + " compact " + path, &err);
  CHECK(rc == 1);
  CHECK(err.find("app.log.1: write failed: File too large; original left unchanged") !=
        std::string::npos);
  CHECK(ReadFile(path) == log);
  CHECK(Entries(dir.path()) == std::vector<std::string>{"app.log.1"});
}

TEST_CASE("compact refuses a file it could not give back to its owner") {
  if (geteuid() != 0) {
    WARN("not root: cannot make a file owned by someone else; skipped");
    return;
  }
  TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0777) == 0);
  std::string path = dir.File("root.log");
  WriteFile(path, FloodLog(10, 300));
  REQUIRE(chmod(path.c_str(), 0666) ==
          0);  // readable and writable by anyone: only the owner blocks
  std::string err;
  int rc = ShellWithStderr(
      dir, "setpriv --reuid=65534 --regid=65534 --clear-groups " + Bin() + " compact " + path,
      &err);
  CHECK(rc == 1);
  CHECK(err.find("root.log: owned by uid 0, cannot replace it keeping its owner") !=
        std::string::npos);
  CHECK(ReadFile(path) == FloodLog(10, 300));
  CHECK(Entries(dir.path()) == std::vector<std::string>{"root.log"});
}

TEST_CASE("compact killed at random points leaves the original whole or fully replaced") {
  TempDir dir;
  std::string log;
  for (int seed = 0; seed < 2; ++seed) log += FloodLog(100 + seed, 8000);  // ~4 MiB
  std::string expected = FilterOutput(dir, log);
  std::string path = dir.File("big.log.1");
  std::string bin = Bin();
  std::vector<std::string> argv_storage = {bin, "compact", "--no-summary", "--quiet", path};
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  auto spawn = [&] {
    pid_t pid;
    REQUIRE(posix_spawn(&pid, bin.c_str(), &quiet, nullptr, argv.data(), environ) == 0);
    return pid;
  };
  // How long a whole run takes here (sanitizers make it much slower).
  WriteFile(path, log);
  auto start = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(spawn(), &status, 0);
  auto full = std::chrono::steady_clock::now() - start;
  REQUIRE(ReadFile(path) == expected);

  std::mt19937 rng(42);
  int intact = 0, replaced = 0, killed_mid_write = 0;
  for (int run = 0; run < 30; ++run) {
    WriteFile(path, log);
    pid_t pid = spawn();
    std::this_thread::sleep_for(full * (rng() % 1000) / 900);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    std::string now = ReadFile(path);
    bool whole = now == log;
    REQUIRE((whole || now == expected));
    whole ? ++intact : ++replaced;
    for (const std::string& name : Entries(dir.path())) {
      if (name == "big.log.1" || name == ".filter-input") continue;
      CHECK(name.rfind(".big.log.1.sockfilter-", 0) == 0);  // dot-prefixed: not the log
      fs::remove(dir.File(name));
      ++killed_mid_write;
    }
  }
  posix_spawn_file_actions_destroy(&quiet);
  INFO("intact " << intact << ", replaced " << replaced << ", killed mid-write "
                 << killed_mid_write);
  CHECK(intact > 0);
  CHECK(killed_mid_write > 0);
}

// Replaces the first `from` in `text`, which must hold it.
void ReplaceOnce(std::string* text, const std::string& from, const std::string& to) {
  size_t at = text->find(from);
  REQUIRE(at != std::string::npos);
  text->replace(at, from.size(), to);
}

// samples/logrotate/sockfilter, calling the binary under test (the sample calls it where
// `cmake --install` puts it) and creating the new log as whoever runs the test.
std::string LogrotateSample() {
  std::string conf = ReadFile(SourcePath("samples/logrotate/sockfilter"));
  ReplaceOnce(&conf, SOCKFILTER_INSTALLED_BINARY " compact", Bin() + " compact");
  ReplaceOnce(&conf, "create 0640 root adm", "create 0640");
  return conf;
}

// `conf` with every /var/log/myapp/app.log made `log`.
std::string ForLog(std::string conf, const std::string& log) {
  for (size_t at; (at = conf.find("/var/log/myapp/app.log")) != std::string::npos;)
    conf.replace(at, 22, log);
  return conf;
}

TEST_CASE("logrotate with the sample configuration compacts every rotated file") {
  if (Shell("test -x /usr/sbin/logrotate") != 0) {
    WARN("/usr/sbin/logrotate is not installed; skipped");
    return;
  }
  TempDir dir;
  std::string conf_text = LogrotateSample();
  auto replace = [&](const std::string& from, const std::string& to) {
    ReplaceOnce(&conf_text, from, to);
  };
  // The "reopen the log" placeholder becomes an application writing a flood into its new
  // log: the hook must leave that current log alone.
  std::string current = FloodLog(11, 500);
  WriteFile(dir.File("current-flood"), current);
  replace("# systemctl kill --signal=HUP myapp.service",
          "cat " + dir.File("current-flood") + " >> \"$1\"");
  std::string delayed = conf_text;
  replace("    delaycompress\n", "");
  std::string immediate = conf_text;

  struct Variant {
    std::string name;
    std::string config;
    std::vector<std::string> originals;  // what app.log held before each rotation
  };
  std::vector<Variant> variants = {{"delaycompress", delayed, {}}, {"compress", immediate, {}}};
  for (Variant& v : variants) {
    fs::create_directory(dir.File(v.name));
    std::string log = dir.File(v.name) + "/app.log";
    WriteFile(dir.File(v.name + ".conf"), ForLog(v.config, log));
    chmod(dir.File(v.name + ".conf").c_str(), 0644);
  }
  for (int round = 1; round <= 3; ++round) {
    if (round > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1050));  // dateext %s
    std::string content = CorpusLog(dir, round);
    for (Variant& v : variants) {
      std::string log = dir.File(v.name) + "/app.log";
      std::string before = fs::exists(log) ? ReadFile(log) : "";
      WriteFile(log, before + content);
      v.originals.push_back(before + content);
      std::string err;
      int rc = ShellWithStderr(dir,
                               "/usr/sbin/logrotate -s " + dir.File(v.name + ".state") + " -f " +
                                   dir.File(v.name + ".conf"),
                               &err);
      INFO(v.name << " round " << round << ": " << err);
      REQUIRE(rc == 0);
      CHECK(ReadFile(log) == current);  // the current log: created, written, not compacted
    }
  }
  for (const Variant& v : variants) {
    INFO(v.name);
    std::vector<std::string> rotated, summaries;
    for (const std::string& name : Entries(dir.File(v.name))) {
      if (name.rfind("app.log-", 0) != 0) continue;
      bool summary = name.size() > 16 && name.substr(name.size() - 16) == ".sockfilter.json";
      (summary ? summaries : rotated).push_back(name);
    }
    REQUIRE(rotated.size() == 3);
    CHECK(summaries.size() == 3);
    for (size_t i = 0; i < rotated.size(); ++i) {
      std::string path = dir.File(v.name) + "/" + rotated[i];
      bool gz = rotated[i].size() > 3 && rotated[i].substr(rotated[i].size() - 3) == ".gz";
      // delaycompress leaves only the newest rotation uncompressed.
      CHECK(gz == (v.name == "compress" || i + 1 < rotated.size()));
      std::string plain_name = gz ? path.substr(0, path.size() - 3) : path;
      CHECK(SummaryLines(plain_name + ".sockfilter.json") == CountLines(v.originals[i]));
      std::string after = Decompressed(path);
      CHECK(after == FilterOutput(dir, v.originals[i]));
      CHECK(after.size() < v.originals[i].size());  // floods were collapsed
      CHECK(CountMarkers(after).markers > 0);
      CheckAccounting(v.originals[i], after);
    }
  }
}

TEST_CASE("The logrotate hook removes the summary of a log that `rotate N` deleted") {
  if (Shell("test -x /usr/sbin/logrotate") != 0) {
    WARN("/usr/sbin/logrotate is not installed; skipped");
    return;
  }
  TempDir dir;
  std::string conf = LogrotateSample();
  ReplaceOnce(&conf, "rotate 14", "rotate 1");
  std::string log = dir.File("app.log");
  WriteFile(dir.File("app.conf"), ForLog(conf, log));
  chmod(dir.File("app.conf").c_str(), 0644);
  for (int round = 1; round <= 3; ++round) {
    if (round > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1050));  // dateext %s
    WriteFile(log, CorpusLog(dir, round));
    std::string err;
    int rc = ShellWithStderr(
        dir, "/usr/sbin/logrotate -s " + dir.File("state") + " -f " + dir.File("app.conf"), &err);
    INFO("round " << round << ": " << err);
    REQUIRE(rc == 0);
  }
  std::vector<std::string> rotated, summaries;
  for (const std::string& name : Entries(dir.path())) {
    if (name.rfind("app.log-", 0) != 0) continue;
    bool summary = name.size() > 16 && name.substr(name.size() - 16) == ".sockfilter.json";
    (summary ? summaries : rotated).push_back(name);
  }
  // logrotate deletes past `rotate 1` after the hook has run, so the hook removes the
  // summary of the log deleted one rotation earlier: one stale summary at most, not one per
  // rotation ever made.
  std::string names;
  for (const std::string& name : summaries) names += name + " ";
  INFO("summaries: " << names);
  CHECK(rotated.size() == 1);
  CHECK(summaries.size() == 2);
}

}  // namespace sockfilter::test
