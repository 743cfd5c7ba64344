#include "analyzer/host/host_findings.h"

#include <algorithm>

#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace {

// A listener at this share of its maximum is worth naming even when not yet full.
constexpr double kNearlyFullShare = 0.8;
// A process at these shares of its soft limit: worth a look, then close to failing.
constexpr double kFdWarnShare = 0.75;
constexpr double kFdCriticalShare = 0.9;
constexpr double kHostFileShare = 0.9;
// Resets (sent plus received) per second that suggest overload, and a lot of them.
constexpr double kResetRate = 20;
constexpr double kHighResetRate = 100;
constexpr int64_t kManyEstablished = 10000;

std::string Int(int64_t v) { return std::to_string(v); }

std::string Percent(double share) { return FormatFixed(share * 100, 0) + "%"; }

std::string Window(const HostReport& r) {
  return r.seconds ? "in " + FormatFixed(*r.seconds, 1) + " s" : "between the snapshots";
}

std::string RateText(const CounterChange& c) {
  return c.rate ? " (" + FormatFixed(*c.rate, 1) + " per second)" : "";
}

std::optional<int64_t> Setting(const HostReport& r, const std::string& name) {
  auto it = r.settings.find(name);
  return it == r.settings.end() ? std::nullopt : std::optional<int64_t>(it->second);
}

bool Rising(const CounterChange* c) { return c && c->delta && *c->delta > 0; }

void AddOverflowCounters(const HostReport& r, HostFinding* f) {
  const CounterChange* overflows = r.Counter("TcpExtListenOverflows");
  const CounterChange* drops = r.Counter("TcpExtListenDrops");
  if (Rising(overflows)) {
    f->evidence.push_back("ListenOverflows rose by " + Int(*overflows->delta) + " " + Window(r) +
                          RateText(*overflows) +
                          ": the kernel turned connections away because an accept queue was full");
  } else if (overflows && overflows->delta) {
    f->evidence.push_back("ListenOverflows did not change " + Window(r) + " (total " +
                          Int(overflows->last) + ")");
  } else if (overflows && overflows->last > 0) {
    f->evidence.push_back("ListenOverflows is " + Int(overflows->last) +
                          " since boot; a second snapshot a few seconds later shows whether "
                          "it is still rising");
  }
  if (Rising(drops)) {
    f->evidence.push_back("ListenDrops (SYNs to LISTEN sockets dropped) rose by " +
                          Int(*drops->delta) + RateText(*drops));
  }
}

void AddListenerEvidence(const HostReport& r, const ListenerState& l, HostFinding* f) {
  const Listener& now = l.last;
  std::string line = now.local + ": " + Int(now.recv_q) +
                     " connections waiting in an accept "
                     "queue of at most " +
                     Int(now.send_q);
  if (l.peak_recv_q > now.recv_q) line += " (peak " + Int(l.peak_recv_q) + ")";
  f->evidence.push_back(line + (l.full ? ", full" : ", nearly full"));
  std::optional<int64_t> somaxconn = Setting(r, "net.core.somaxconn");
  if (!somaxconn) return;
  if (now.send_q < *somaxconn) {
    f->evidence.push_back("its maximum " + Int(now.send_q) + " is below net.core.somaxconn (" +
                          Int(*somaxconn) +
                          "): the backlog the server passes to listen() "
                          "is the limit");
  } else {
    f->evidence.push_back("its maximum " + Int(now.send_q) +
                          " is net.core.somaxconn: the "
                          "system setting caps the backlog");
  }
}

void AddAbortOnOverflow(const HostReport& r, HostFinding* f) {
  std::optional<int64_t> abort = Setting(r, "net.ipv4.tcp_abort_on_overflow");
  if (!abort) return;
  f->evidence.push_back(*abort ? "net.ipv4.tcp_abort_on_overflow = 1: clients of a full "
                                 "queue get a reset (connection reset by peer)"
                               : "net.ipv4.tcp_abort_on_overflow = 0: clients of a full queue "
                                 "see slow connects and retransmitted SYNs, not resets");
}

std::string OverflowAdvice(const HostReport& r, bool backlog_is_limit) {
  int64_t somaxconn = Setting(r, "net.core.somaxconn").value_or(4096);
  int64_t suggest = somaxconn < 32768 ? 32768 : std::max<int64_t>(somaxconn, 65535);
  std::string sysctl = "Raise the system cap: `sysctl -w net.core.somaxconn=" + Int(suggest) +
                       "`, and persist it with a line `net.core.somaxconn = " + Int(suggest) +
                       "` in /etc/sysctl.d/90-somaxconn.conf (then `sysctl --system`). ";
  std::string backlog =
      "Raise the backlog the server passes to listen() (nginx `listen ... "
      "backlog=N`, Tomcat acceptCount, a ServerSocket's backlog argument); "
      "the smaller of the two wins. ";
  return "The accept queue holds min(listen() backlog, net.core.somaxconn) connections. " +
         (backlog_is_limit ? backlog + sysctl : sysctl + backlog) +
         "If it fills at any size, the server accepts too slowly: add accept threads or "
         "workers, or capacity.";
}

std::optional<HostFinding> AcceptQueueOverflow(const HostReport& r) {
  const CounterChange* overflows = r.Counter("TcpExtListenOverflows");
  bool rising = Rising(overflows);
  bool since_boot = overflows && !overflows->delta && overflows->last > 0;
  std::vector<const ListenerState*> crowded;
  bool any_full = false;
  static const std::vector<ListenerState> kNone;
  for (const ListenerState& l : r.listeners ? *r.listeners : kNone) {
    bool nearly = l.last.send_q > 0 && l.last.recv_q >= kNearlyFullShare * l.last.send_q;
    if (l.full || nearly) crowded.push_back(&l);
    any_full = any_full || l.full;
  }
  if (!rising && !any_full && !since_boot) return std::nullopt;
  HostFinding f{"accept_queue_overflow", 0.3, {}, ""};
  if (rising) f.confidence = any_full ? 0.95 : 0.75;
  if (!rising && any_full) f.confidence = overflows && overflows->delta ? 0.5 : 0.6;
  AddOverflowCounters(r, &f);
  bool backlog_is_limit = false;
  for (const ListenerState* l : crowded) {
    AddListenerEvidence(r, *l, &f);
    std::optional<int64_t> somaxconn = Setting(r, "net.core.somaxconn");
    backlog_is_limit = backlog_is_limit || (somaxconn && l->last.send_q < *somaxconn);
  }
  AddAbortOnOverflow(r, &f);
  f.advice = OverflowAdvice(r, backlog_is_limit);
  return f;
}

std::optional<HostFinding> ProcessNearLimit(const HostReport& r) {
  if (!r.process || !r.process->open || !r.process->soft_limit || *r.process->soft_limit <= 0)
    return std::nullopt;
  const ProcessFds& p = *r.process;
  double share = static_cast<double>(*p.open) / static_cast<double>(*p.soft_limit);
  if (share < kFdWarnShare) return std::nullopt;
  HostFinding f{"fd_exhaustion", share >= kFdCriticalShare ? 0.85 : 0.5, {}, ""};
  std::string who = "process " + Int(p.pid) + (p.name.empty() ? "" : " (" + p.name + ")");
  std::string hard =
      p.hard_limit && *p.hard_limit >= 0 ? ", hard limit " + Int(*p.hard_limit) : ", no hard limit";
  f.evidence.push_back(who + " has " + Int(*p.open) + " descriptors open of a soft limit of " +
                       Int(*p.soft_limit) + " (" + Percent(share) + ")" + hard);
  if (r.process_open_first && *p.open > *r.process_open_first) {
    f.evidence.push_back("its open descriptors rose by " + Int(*p.open - *r.process_open_first) +
                         " " + Window(r));
    f.confidence = std::min(0.95, f.confidence + 0.1);
  }
  f.advice =
      "Raise the limit: `ulimit -n 65536` in the shell or script that starts it, or "
      "`LimitNOFILE=65536` in the [Service] section of its systemd unit (then "
      "`systemctl daemon-reload` and a restart). If the count keeps rising under "
      "steady load, it leaks sockets: look for many `socket:` entries in `ls -l /proc/" +
      Int(p.pid) + "/fd` and close connections on every error path.";
  return f;
}

std::optional<HostFinding> HostNearFileMax(const HostReport& r) {
  std::optional<int64_t> used = Setting(r, "fs.file-nr"), max = Setting(r, "fs.file-max");
  if (!used || !max || *max <= 0) return std::nullopt;
  double share = static_cast<double>(*used) / static_cast<double>(*max);
  if (share < kHostFileShare) return std::nullopt;
  return HostFinding{"fd_exhaustion",
                     0.7,
                     {"the host has " + Int(*used) + " file handles allocated of fs.file-max " +
                      Int(*max) + " (" + Percent(share) + ")"},
                     "Raise the host's ceiling: `sysctl -w fs.file-max=" + Int(*max * 2) +
                         "` and persist it in /etc/sysctl.d/; find the process holding most "
                         "descriptors (`ls /proc/*/fd | wc -l` per process)."};
}

double RateOf(const HostReport& r, std::string_view name) {
  const CounterChange* c = r.Counter(name);
  return c && c->rate ? std::max(0.0, *c->rate) : 0;
}

std::optional<int64_t> Established(const HostReport& r) {
  if (r.states) {
    auto it = r.states->find("ESTAB");
    return it == r.states->end() ? 0 : it->second;
  }
  const CounterChange* estab = r.Counter("TcpCurrEstab");
  return estab ? std::optional<int64_t>(estab->last) : std::nullopt;
}

std::optional<HostFinding> ServerOverload(const HostReport& r) {
  double sent = RateOf(r, "TcpOutRsts"), received = RateOf(r, "TcpEstabResets");
  std::optional<int64_t> established = Established(r);
  bool many = established && *established >= kManyEstablished;
  double resets = sent + received;
  if (resets < kResetRate && !many) return std::nullopt;
  HostFinding f{"server_overload", resets >= kHighResetRate ? 0.6 : 0.4, {}, ""};
  if (resets < kResetRate) f.confidence = 0.35;
  if (resets >= kResetRate) {
    f.evidence.push_back("resets are rising fast: " + FormatFixed(sent, 1) + " sent and " +
                         FormatFixed(received, 1) + " received per second " + Window(r));
    if (many) f.confidence += 0.25;
  }
  if (many) {
    f.evidence.push_back(Int(*established) + " connections established" +
                         (r.states ? "" : " (TcpCurrEstab)"));
  }
  if (Rising(r.Counter("TcpExtListenOverflows"))) {
    f.evidence.push_back("accept queues overflow at the same time (see accept_queue_overflow)");
    f.confidence = std::min(0.9, f.confidence + 0.1);
  }
  f.advice =
      "Compare the connection count with what the server is sized for (worker and "
      "thread pools, connection limits). If real clients do not exceed that, look for "
      "abnormal traffic (a scan, a runaway client, a retry storm): count connections "
      "per peer with `ss -tn state established`. Remedies: more capacity, per-client "
      "connection limits, or stopping the traffic at its source.";
  return f;
}

}  // namespace

std::vector<HostFinding> FindHostCauses(const HostReport& report) {
  std::vector<HostFinding> findings;
  for (auto find : {AcceptQueueOverflow, ProcessNearLimit, HostNearFileMax, ServerOverload}) {
    if (std::optional<HostFinding> f = find(report)) findings.push_back(std::move(*f));
  }
  std::stable_sort(
      findings.begin(), findings.end(),
      [](const HostFinding& a, const HostFinding& b) { return a.confidence > b.confidence; });
  return findings;
}

}  // namespace sockfilter
