// ChildProcess: the built sockfilter binary as a child whose descriptors, privileges and
// signals a test controls, for the tests that RunSockfilter (test_util.h) cannot express:
// streaming hundreds of MiB through it, signalling it mid-stream, closing its stdout,
// measuring its peak memory, running it as an unprivileged user.
//
//   Pipe out;
//   ChildProcess child({"--dedupe", "none", path}, {.out = out.write_end()});
//   out.CloseWrite();
//   ... read out.read_end() ...
//   ChildProcess::Exit exit = child.Wait();   // exit.code, exit.peak_rss_kib
//
// Peak memory: a forked child's ru_maxrss starts from its parent's resident set at the
// fork (the copied pages count until exec), so wait4 alone would charge the test process's
// own memory to sockfilter. With `peak_rss_file`, the child is started under GNU time
// (/usr/bin/time, small), whose own child is sockfilter, and the peak is what time
// reports for it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sockfilter::test {

// A pipe whose ends close on destruction.
class Pipe {
 public:
  Pipe();
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void CloseRead();
  void CloseWrite();

 private:
  int fds_[2];
};

struct ChildIo {
  int in = -1;  // descriptors for the child's 0, 1, 2; -1 means /dev/null
  int out = -1;
  int err = -1;
  const char* run_as_user = nullptr;  // drop to this user (needs root) before exec
  // Run under /usr/bin/time, which writes sockfilter's peak RSS here. pid() is then time's,
  // and Signal() refuses (time would not pass a signal on).
  const char* peak_rss_file = nullptr;
};

class ChildProcess {
 public:
  struct Exit {
    int code = -1;          // the exit status, or 128 + signal when killed by one
    long peak_rss_kib = 0;  // -1 when not measured (no peak_rss_file)
  };

  // Starts SOCKFILTER_BINARY with `args`. Throws when fork fails.
  ChildProcess(const std::vector<std::string>& args, ChildIo io);
  ~ChildProcess();  // kills and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signo) const;
  // Waits for the child to end.
  Exit Wait();

 private:
  pid_t pid_ = -1;
  std::string peak_rss_file_;
};

// Reads `fd` until end of file.
std::string ReadAllFrom(int fd);
// Writes all of `bytes` to `fd`; false when the reader went away (EPIPE).
bool WriteAllTo(int fd, std::string_view bytes);

}  // namespace sockfilter::test
