// Host evidence as plain data: what `sockfilter probe` reads from the kernel and what a
// saved capture (`netstat -s`, `nstat`, `ss -lnt`, /proc/net/netstat, probe JSON) parses
// into.
//
// A HostSnapshot is the state at one moment; HostEvidence is a series of them plus the
// settings and whatever could not be read. Counters are keyed by their nstat names
// ("TcpExtListenOverflows", "TcpEstabResets"), whatever text they came from, so the probe
// and every capture speak one vocabulary. Fields a source does not carry stay empty
// (std::nullopt), which is different from "seen and zero".
//
//   HostEvidence evidence = ...;            // from RunProbe() or ParseCapture()
//   HostReport report = BuildHostReport(evidence);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sockfilter {

using CounterMap = std::map<std::string, int64_t>;

// One listening TCP socket, as `ss -lnt` shows it.
struct Listener {
  std::string local;  // "127.0.0.1:8080", "[::]:443"
  uint16_t port = 0;
  uint32_t recv_q = 0;  // connections waiting in the accept queue now
  uint32_t send_q = 0;  // the queue's maximum: min(listen() backlog, net.core.somaxconn)

  // The kernel refuses new connections once the queue holds more than its maximum, so
  // a queue at its maximum is as full as it gets between two accept() calls.
  bool Full() const { return recv_q > 0 && recv_q >= send_q; }
};

// One process's descriptors against its RLIMIT_NOFILE.
struct ProcessFds {
  int pid = 0;
  std::string name;                   // /proc/PID/comm, may be empty
  std::optional<int64_t> open;        // entries in /proc/PID/fd
  std::optional<int64_t> soft_limit;  // -1 means unlimited
  std::optional<int64_t> hard_limit;
};

// Something the probe or a parser could not read, and why ("permission denied").
struct Unreadable {
  std::string what;
  std::string why;
};

struct HostSnapshot {
  std::optional<double> unix_time;  // seconds since the epoch (UTC)
  std::string time_text;            // as written in the capture, or ISO 8601 from the probe
  CounterMap counters;
  // True when the counters are increments since an earlier reading (plain `nstat`), not
  // totals since boot.
  bool counters_are_increments = false;
  std::optional<std::vector<Listener>> listeners;
  std::optional<std::map<std::string, int64_t>> states;  // "ESTAB" -> count, ss names
  std::optional<ProcessFds> process;

  bool Empty() const { return counters.empty() && !listeners && !states && !process; }
};

struct HostEvidence {
  std::vector<HostSnapshot> snapshots;  // oldest first
  CounterMap settings;                  // "net.core.somaxconn" -> 4096
  std::vector<Unreadable> unreadable;
  std::vector<uint16_t> ports;  // the --port filter the listeners were read with
};

}  // namespace sockfilter
