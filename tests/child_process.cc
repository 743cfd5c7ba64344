#include "tests/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sockfilter::test {

Pipe::Pipe() {
  if (pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
}

Pipe::~Pipe() {
  CloseRead();
  CloseWrite();
}

void Pipe::CloseRead() {
  if (fds_[0] >= 0) close(fds_[0]);
  fds_[0] = -1;
}

void Pipe::CloseWrite() {
  if (fds_[1] >= 0) close(fds_[1]);
  fds_[1] = -1;
}

namespace {

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(char** argv, ChildIo io, uid_t uid, gid_t gid) {
  int null_fd = open("/dev/null", O_RDWR);
  int targets[3] = {io.in, io.out, io.err};
  for (int i = 0; i < 3; ++i) dup2(targets[i] >= 0 ? targets[i] : null_fd, i);
  // The parent ignores nothing we need, but a test runner may have: start clean.
  signal(SIGPIPE, SIG_DFL);
  if (io.run_as_user != nullptr &&
      (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
    _exit(126);
  }
  execv(argv[0], argv);
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args, ChildIo io) {
  std::vector<std::string> storage;
  if (io.peak_rss_file != nullptr) {
    peak_rss_file_ = io.peak_rss_file;
    storage = {"/usr/bin/time", "-f", "%M", "-o", peak_rss_file_};
  }
  storage.push_back(SOCKFILTER_BINARY);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  uid_t uid = 0;
  gid_t gid = 0;
  if (io.run_as_user != nullptr) {
    const passwd* user = getpwnam(io.run_as_user);
    if (user == nullptr) throw std::runtime_error(std::string("no user ") + io.run_as_user);
    uid = user->pw_uid;
    gid = user->pw_gid;
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) ExecChild(argv.data(), io, uid, gid);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::Signal(int signo) const {
  if (!peak_rss_file_.empty()) throw std::logic_error("a child under /usr/bin/time: no signals");
  if (pid_ > 0) kill(pid_, signo);
}

ChildProcess::Exit ChildProcess::Wait() {
  Exit exit;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  exit.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  exit.peak_rss_kib = -1;
  if (!peak_rss_file_.empty()) {
    // time's last line is the peak in KiB (a line about a signal may come before it).
    std::ifstream in(peak_rss_file_);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) exit.peak_rss_kib = std::strtol(line.c_str(), nullptr, 10);
    }
  }
  return exit;
}

std::string ReadAllFrom(int fd) {
  std::string all;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    all.append(buf, static_cast<size_t>(n));
  }
  return all;
}

bool WriteAllTo(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace sockfilter::test
