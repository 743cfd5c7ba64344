// `sockfilter probe` as a library: snapshots of the kernel's TCP state, taken a fixed
// interval apart, collected into HostEvidence.
//
// Each snapshot reads /proc/net/netstat and /proc/net/snmp, every TCP socket through
// sock_diag (listeners with their accept queues, counts by state) and, with a pid, that
// process's descriptors. Settings (/proc/sys) are read once. Nothing needs privileges;
// what the kernel refuses is listed in HostEvidence::unreadable, never an error.
//
//   ProbeOptions options;
//   options.count = 2;
//   options.interval_seconds = 5;
//   HostEvidence evidence = RunProbe(options);
//   HostReport report = BuildHostReport(evidence);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "analyzer/host/host_snapshot.h"

namespace sockfilter {

struct ProbeOptions {
  double interval_seconds = 5;
  int count = 2;
  std::vector<uint16_t> ports;  // empty: every listener and connection
  std::optional<int> pid;
};

// One snapshot now. Adds what it could not read to `unreadable`.
HostSnapshot TakeSnapshot(const ProbeOptions& options, std::vector<Unreadable>* unreadable);

// Waits `seconds`; returns false when the wait was cut short (shutdown requested).
using Sleeper = std::function<bool(double seconds)>;

// The default Sleeper: sleeps in short steps and stops early on SIGINT/SIGTERM, so an
// interrupted probe still reports the snapshots it has.
bool SleepUnlessShutdown(double seconds);

// Takes options.count snapshots (at least 1), options.interval_seconds apart.
HostEvidence RunProbe(const ProbeOptions& options, const Sleeper& sleep = SleepUnlessShutdown);

}  // namespace sockfilter
