#include "tests/test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "analyzer/event_assembler.h"
#include "analyzer/line_reader.h"
#include "rules/rule_files.h"

extern char** environ;

namespace sockfilter::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/sockfilter-test-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

// Children start with SIGPIPE at its default (the tests ignore it, see RunSockfilter), so
// that `... | head -1` behaves as it does for a user.
posix_spawnattr_t* DefaultSignals() {
  static posix_spawnattr_t attr = [] {
    posix_spawnattr_t a;
    posix_spawnattr_init(&a);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    posix_spawnattr_setsigdefault(&a, &set);
    posix_spawnattr_setflags(&a, POSIX_SPAWN_SETSIGDEF);
    return a;
  }();
  return &attr;
}

}  // namespace

int Shell(const std::string& command) {
  std::string c = command;
  char sh[] = "/bin/sh", dash_c[] = "-c";
  char* argv[] = {sh, dash_c, c.data(), nullptr};
  pid_t pid;
  if (posix_spawn(&pid, "/bin/sh", nullptr, DefaultSignals(), argv, environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {

// Writes `input` to fd `in` and reads fds `out` and `err` until both close.
void Pump(int in, std::string_view input, int out, int err, ProcessResult* result) {
  size_t written = 0;
  if (input.empty()) close(in), in = -1;
  while (out >= 0 || err >= 0) {
    struct pollfd fds[3];
    int n = 0;
    int slots[3];
    for (int fd : {in, out, err}) {
      if (fd < 0) continue;
      fds[n] = {fd, static_cast<short>(fd == in ? POLLOUT : POLLIN), 0};
      slots[n++] = fd;
    }
    if (poll(fds, n, -1) < 0) continue;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      int fd = slots[i];
      if (fd == in) {
        ssize_t w = write(in, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 || written == input.size()) close(in), in = -1;
        continue;
      }
      char buf[65536];
      ssize_t r = read(fd, buf, sizeof buf);
      std::string& sink = fd == out ? result->out : result->err;
      if (r > 0) {
        sink.append(buf, static_cast<size_t>(r));
      } else {
        close(fd);
        (fd == out ? out : err) = -1;
      }
    }
  }
  if (in >= 0) close(in);
}

}  // namespace

ProcessResult RunSockfilter(const std::vector<std::string>& args, std::string_view input) {
  // A child that exits without reading all its input must give us EPIPE, not kill us.
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<std::string> argv_storage = {SOCKFILTER_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, SOCKFILTER_BINARY, &actions, DefaultSignals(), argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) throw std::runtime_error("cannot run " SOCKFILTER_BINARY);
  ProcessResult result;
  Pump(in[1], input, out[0], err[0], &result);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string SourcePath(const std::string& relative) {
  return std::string(SOCKFILTER_SOURCE_DIR) + "/" + relative;
}

std::string GenCorpusScript() {
  std::string path = std::string(SOCKFILTER_SOURCE_DIR) + "/../shared/bench/gen_corpus.py";
  return fs::exists(path) ? path : "";
}

namespace {

class ChunkedStringSource : public ByteSource {
 public:
  ChunkedStringSource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(char* out, size_t size) override {
    size_t n = std::min({size, chunk_, data_.size() - pos_});
    memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  bool WaitReadable(int) override { return true; }
  const std::string& name() const override { return name_; }
  bool live() const override { return false; }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
  std::string name_ = "<string>";
};

}  // namespace

std::unique_ptr<ByteSource> StringSource(std::string data, size_t chunk) {
  return std::make_unique<ChunkedStringSource>(std::move(data), std::max<size_t>(1, chunk));
}

std::string RandomBytes(uint64_t seed, size_t size) {
  std::mt19937_64 rng(seed);
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

const RuleBook& DefaultRules() {
  static const RuleBook book = [] {
    Result<RuleBook> loaded = LoadRuleBook(EmbeddedRuleFiles());
    if (!loaded.ok()) throw std::runtime_error(loaded.status().message());
    return *loaded;
  }();
  return book;
}

void CollectingSink::OnEvent(const Event& event) {
  events.push_back(
      {std::string(event.raw), event.first_line, event.line_count, event.kind, event.tags});
}

std::string CollectingSink::Joined() const {
  std::string all;
  for (const Collected& e : events) all += e.raw;
  return all;
}

std::string SampleLogsTwice(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string text;
  for (const char* path : kSampleLogs) {
    std::string log = ReadFile(SourcePath(path));
    text += log;
    text += log.substr(rng() % log.size());
  }
  return text;
}

std::vector<size_t> RecordStarts(const std::string& text) {
  auto source = StringSource(text);
  LineReader reader(source.get());
  CollectingSink sink;
  InputInfo info{"corpus"};
  EventAssembler assembler(DefaultRules().multiline, &reader, &sink, EventLimits(), &info);
  Line line;
  while (reader.Next(&line)) assembler.OnLine(line);
  assembler.Flush();
  std::vector<size_t> starts;
  size_t offset = 0;
  for (const auto& e : sink.events) {
    if (e.kind == EventKind::kRecord && offset > 0) starts.push_back(offset);
    offset += e.raw.size();
  }
  return starts;
}

}  // namespace sockfilter::test
