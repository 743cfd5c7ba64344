#include "analyzer/host/probe.h"

#include <time.h>

#include <algorithm>

#include "analyzer/host/capture_time.h"
#include "analyzer/host/kernel_counters.h"
#include "analyzer/host/process_fds.h"
#include "analyzer/host/sock_diag.h"
#include "analyzer/host/sysctl_settings.h"
#include "analyzer/shutdown.h"

namespace sockfilter {

namespace {

// Keeps the tracked counters only: the report and JSON stay small, and a capture taken
// on another kernel compares name for name.
CounterMap TrackedOnly(const CounterMap& all) {
  CounterMap tracked;
  for (std::string_view name : TrackedCounters()) {
    auto it = all.find(std::string(name));
    if (it != all.end()) tracked.insert(*it);
  }
  return tracked;
}

// The same reason read again in every snapshot is listed once.
void AddUnique(std::vector<Unreadable> found, std::vector<Unreadable>* into) {
  for (Unreadable& u : found) {
    bool seen = std::any_of(into->begin(), into->end(), [&](const Unreadable& have) {
      return have.what == u.what && have.why == u.why;
    });
    if (!seen) into->push_back(std::move(u));
  }
}

}  // namespace

HostSnapshot TakeSnapshot(const ProbeOptions& options, std::vector<Unreadable>* unreadable) {
  std::vector<Unreadable> found;
  HostSnapshot snapshot;
  snapshot.unix_time = UnixNow();
  snapshot.time_text = FormatIsoUtc(*snapshot.unix_time);
  snapshot.counters = TrackedOnly(ReadKernelCounters(&found));
  Result<TcpSocketTable> sockets = ReadTcpSockets(options.ports);
  if (sockets.ok()) {
    snapshot.listeners = std::move(sockets->listeners);
    snapshot.states = std::move(sockets->states);
    found.insert(found.end(), sockets->unreadable.begin(), sockets->unreadable.end());
  } else {
    found.push_back({"TCP sockets (sock_diag)", sockets.status().message()});
  }
  if (options.pid) snapshot.process = ReadProcessFds(*options.pid, &found);
  AddUnique(std::move(found), unreadable);
  return snapshot;
}

bool SleepUnlessShutdown(double seconds) {
  double deadline = UnixNow() + seconds;
  for (;;) {
    if (ShutdownRequested()) return false;
    double left = deadline - UnixNow();
    if (left <= 0) return true;
    double step = std::min(left, 0.1);
    timespec pause = {static_cast<time_t>(step),
                      static_cast<long>((step - static_cast<time_t>(step)) * 1e9)};
    nanosleep(&pause, nullptr);
  }
}

HostEvidence RunProbe(const ProbeOptions& options, const Sleeper& sleep) {
  HostEvidence evidence;
  evidence.ports = options.ports;
  evidence.settings = ReadSysctlSettings(&evidence.unreadable);
  int count = std::max(1, options.count);
  for (int i = 0; i < count; ++i) {
    if (i > 0 && !sleep(options.interval_seconds)) break;
    evidence.snapshots.push_back(TakeSnapshot(options, &evidence.unreadable));
  }
  return evidence;
}

}  // namespace sockfilter
