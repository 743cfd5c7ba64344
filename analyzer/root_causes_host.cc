// Accept-queue overflow: the one root cause whose best evidence is the host's own counters
// (netstat -s / nstat / ss -lnt captures given as inputs), not the log lines.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "analyzer/root_causes.h"

namespace sockfilter {

namespace {

const char* const kOverflowCounters[] = {"TcpExtListenOverflows", "TcpExtListenDrops"};

// A listener seen with a full accept queue, once however many snapshots show it full.
struct FullListener {
  std::string local;  // its address, which tells it apart
  std::string first;  // its queues (and the time) when first seen full
  int snapshots = 0;  // how many snapshots saw it full
};

struct QueueFacts {
  int64_t rises[2] = {0, 0};  // increase of each counter over the captures
  int rising_intervals = 0;
  std::vector<FullListener> full_listeners;
  std::optional<int64_t> somaxconn;
  std::optional<uint32_t> queue;  // Send-Q of a full (or any) listener
};

// Adds how much each overflow counter grew across one capture's snapshots.
void MeasureCounters(const HostEvidence& e, QueueFacts* f) {
  const HostSnapshot* previous = nullptr;
  for (const HostSnapshot& snap : e.snapshots) {
    for (int k = 0; k < 2; ++k) {
      auto now = snap.counters.find(kOverflowCounters[k]);
      if (now == snap.counters.end()) continue;
      int64_t rise = 0;
      if (snap.counters_are_increments) {
        rise = now->second;
      } else if (previous != nullptr) {
        auto before = previous->counters.find(kOverflowCounters[k]);
        if (before != previous->counters.end()) rise = now->second - before->second;
      }
      if (rise > 0) {
        f->rises[k] += rise;
        if (k == 0) ++f->rising_intervals;
      }
    }
    if (!snap.counters.empty()) previous = &snap;
  }
}

void MeasureListeners(const HostInput& capture, QueueFacts* f) {
  for (const HostSnapshot& snap : capture.evidence.snapshots) {
    if (!snap.listeners) continue;
    for (const Listener& l : *snap.listeners) {
      if (!f->queue) f->queue = l.send_q;
      if (!l.Full()) continue;
      f->queue = l.send_q;
      auto seen = std::find_if(f->full_listeners.begin(), f->full_listeners.end(),
                               [&](const FullListener& full) { return full.local == l.local; });
      if (seen == f->full_listeners.end()) {
        std::string first = fmt::format("Recv-Q {} >= Send-Q {}{}", l.recv_q, l.send_q,
                                        snap.time_text.empty() ? "" : ", " + snap.time_text);
        seen = f->full_listeners.insert(seen, {l.local, std::move(first), 0});
      }
      ++seen->snapshots;
    }
  }
  auto it = capture.evidence.settings.find("net.core.somaxconn");
  if (it != capture.evidence.settings.end()) f->somaxconn = it->second;
}

std::string QueueAdvice(const QueueFacts& f) {
  std::string queue;
  if (f.queue && f.somaxconn) {
    int64_t q = *f.queue;
    queue = q < *f.somaxconn
                ? fmt::format(
                      "The effective queue is min(backlog, somaxconn) = min({}, {}) = {}: "
                      "the listen() backlog is the limit, raise it in the server. ",
                      q, *f.somaxconn, q)
                : fmt::format(
                      "The effective queue is min(backlog, somaxconn) = {} "
                      "(net.core.somaxconn={} caps the backlog). ",
                      q, *f.somaxconn);
  } else if (f.queue) {
    queue = fmt::format(
        "The listener's queue holds {} connections (Send-Q = "
        "min(backlog, net.core.somaxconn)). ",
        *f.queue);
  }
  return queue +
         "Make the accept queue longer: `sysctl -w net.core.somaxconn=32768` (persist it in "
         "/etc/sysctl.d/), a "
         "larger listen() backlog (nginx `listen ... backlog=N`, Tomcat acceptCount, "
         "Java ServerSocket backlog), accept faster (more acceptor threads/workers) or add "
         "capacity. `nstat -az TcpExtListenOverflows TcpExtListenDrops` a few seconds apart "
         "shows whether it still grows; with net.ipv4.tcp_abort_on_overflow=1 clients get "
         "resets, with 0 timeouts and retries.";
}

}  // namespace

bool InferAcceptQueueOverflow(const Summary& s, RootCause* out) {
  QueueFacts f;
  for (const HostInput& capture : s.host) {
    MeasureCounters(capture.evidence, &f);
    MeasureListeners(capture, &f);
  }
  uint64_t kernel_lines = s.CauseCount("listen_overflow");
  bool rising = f.rises[0] > 0 || f.rises[1] > 0;
  if (!rising && f.full_listeners.empty() && kernel_lines == 0) return false;
  out->id = "accept_queue_overflow";
  double c = 0;
  if (rising) {
    c += 0.6;
    out->evidence.push_back(fmt::format(
        "the listen queue overflowed {} times and {} SYNs to listening sockets were dropped "
        "across the host captures (TcpExtListenOverflows, TcpExtListenDrops rising in {} "
        "intervals)",
        f.rises[0], f.rises[1], f.rising_intervals));
  }
  if (!f.full_listeners.empty()) {
    c += 0.3;
    std::string list;
    for (size_t i = 0; i < f.full_listeners.size() && i < 3; ++i) {
      const FullListener& l = f.full_listeners[i];
      list += fmt::format(
          "{}{} ({}{})", i ? "; " : "", l.local, l.first,
          l.snapshots > 1 ? fmt::format("; full in {} snapshots", l.snapshots) : std::string());
    }
    out->evidence.push_back(
        fmt::format("{} listener(s) with a full accept queue: {}", f.full_listeners.size(), list));
  }
  if (kernel_lines > 0) {
    c += rising ? 0.1 : 0.5;
    out->causes.push_back("listen_overflow");
    out->evidence.push_back(fmt::format(
        "{} kernel log lines about listen-queue overflow or SYN flooding", kernel_lines));
  }
  out->confidence = std::min(0.95, c);
  out->events = kernel_lines + static_cast<uint64_t>(std::max(f.rises[0], f.rises[1]));
  out->advice = QueueAdvice(f);
  return true;
}

}  // namespace sockfilter
