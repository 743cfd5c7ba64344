// What a series of host snapshots says: counter deltas and rates, the listeners with
// their accept queues, connections by state, the process's descriptors, and findings in
// the analyzer's root-cause vocabulary.
//
// The same report is built from a live probe and from a parsed capture, so `analyze`
// gets identical findings whether the user ran `sockfilter probe` or saved `netstat -s`.
//
//   HostReport report = BuildHostReport(evidence);
//   for (const HostFinding& f : report.findings) ...   // "accept_queue_overflow", ...
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyzer/host/host_snapshot.h"

namespace sockfilter {

struct CounterChange {
  std::string name;  // "TcpExtListenOverflows"
  int64_t first = 0;
  int64_t last = 0;
  // Unknown with a single absolute snapshot, or when the counter went backwards (reboot).
  std::optional<int64_t> delta;
  std::optional<double> rate;  // per second, when the snapshots carry times
};

struct ListenerState {
  Listener last;             // as seen in the last snapshot that listed listeners
  uint32_t peak_recv_q = 0;  // the largest queue length in any snapshot
  bool full = false;         // full in any snapshot
};

struct HostFinding {
  std::string id;                     // accept_queue_overflow, fd_exhaustion, server_overload
  double confidence = 0;              // 0..1
  std::vector<std::string> evidence;  // plain sentences with numbers
  std::string advice;
};

struct HostReport {
  size_t snapshot_count = 0;
  std::optional<double> seconds;  // from the first to the last snapshot
  std::string first_time, last_time;
  std::vector<CounterChange> counters;  // TrackedCounters() order, present ones only
  CounterMap settings;
  std::optional<std::vector<ListenerState>> listeners;
  std::optional<std::map<std::string, int64_t>> states;  // last snapshot
  std::optional<ProcessFds> process;                     // last snapshot
  std::optional<int64_t> process_open_first;             // first snapshot's count
  std::vector<HostFinding> findings;                     // most confident first
  std::vector<Unreadable> unreadable;

  const CounterChange* Counter(std::string_view name) const;
};

HostReport BuildHostReport(const HostEvidence& evidence);

}  // namespace sockfilter
