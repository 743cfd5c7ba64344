#include "analyzer/shutdown.h"

#include <csignal>

namespace sockfilter {

namespace {

volatile std::sig_atomic_t g_signal = 0;

void OnSignal(int signo) { g_signal = signo; }

}  // namespace

void InstallShutdownHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads must return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  // A closed stdout must show up as EPIPE from write(), not kill us.
  signal(SIGPIPE, SIG_IGN);
}

bool ShutdownRequested() { return g_signal != 0; }
int ShutdownSignal() { return g_signal; }

}  // namespace sockfilter
