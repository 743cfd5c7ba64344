#include "analyzer/root_causes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

using L = InferenceLimits;

const CauseStats* Find(const Summary& s, const std::string& id) {
  auto it = s.causes.find(id);
  return it == s.causes.end() || it->second.count == 0 ? nullptr : &it->second;
}

std::string Percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "0%" : fmt::format("{:.0f}%", 100.0 * part / whole);
}

std::string Seconds(int64_t ms) {
  int64_t s = ms / 1000;
  if (s < 120) return fmt::format("{} s", s);
  if (s % 60 == 0 || s >= 3600) return fmt::format("{} s ({:.1f} min)", s, s / 60.0);
  return fmt::format("{} s ({:.1f} min)", s, s / 60.0);
}

// "from 2024-03-11T03:13:29Z to ..." when the cause's events carry times.
std::string When(const CauseStats& c) {
  if (c.first == kNoTime) return "";
  return fmt::format(", {} to {}", FormatIsoUtc(c.first), FormatIsoUtc(c.last));
}

std::string TopKeys(const CappedCounts& counts, size_t n) {
  std::string out;
  for (const auto& [key, count] : counts.Top(n)) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({})", key, count);
  }
  return out;
}

uint64_t ResetCount(const Summary& s) {
  return s.CauseCount("conn_reset") + s.CauseCount("broken_pipe") + s.CauseCount("conn_aborted");
}

const std::vector<std::string> kResetCauses = {"conn_reset", "broken_pipe", "conn_aborted"};

bool InferIdleTimeout(const Summary& s, RootCause* out) {
  QuietGaps::Cluster c = s.gaps.FindCluster(L::kMinGapMs);
  if (c.gaps < L::kMinClusterGaps || c.fraction() < L::kMinClusterShare) return false;
  // The timeout fires at one value; a gap is that value plus however long the next use
  // took to come, so the cluster's lower edge is the best estimate of the setting.
  int64_t t = c.low_ms;
  bool app = t <= L::kAppTimeoutMaxMs;
  out->id = app ? "idle_timeout" : "middlebox_timeout";
  double shape = std::clamp(0.4 + 0.55 * (c.fraction() - 0.5) / 0.5, 0.0, 0.95);
  out->confidence = shape * std::min(1.0, 0.6 + 0.4 * c.gaps / 20.0);
  out->events = c.gaps;
  out->causes = kResetCauses;
  out->evidence.push_back(
      fmt::format("{} of {} quiet gaps before a reset ({}) lie between {} and {} (median {}): the "
                  "connection failed on its first use after being idle for about {}",
                  c.gaps, c.total, Percent(c.gaps, c.total), Seconds(c.low_ms), Seconds(c.high_ms),
                  Seconds(c.typical_ms), Seconds(t)));
  int64_t beat = std::max<int64_t>(1, t / 1000 * 2 / 3);
  int64_t secs = t / 1000;
  if (app) {
    out->evidence.push_back(fmt::format(
        "an idle timeout of about {} s is typical of an application or keep-alive setting "
        "(server keep-alive, connection-pool idle timeout)",
        secs));
    out->advice = fmt::format(
        "Connections are closed after about {0} s without traffic. Send an application "
        "heartbeat every {1} s (below {0} s) or enable TCP keepalive (SO_KEEPALIVE with "
        "net.ipv4.tcp_keepalive_time={1}); make the client pool drop idle connections before "
        "the server does (HikariCP idleTimeout/maxLifetime < {0}000 ms, Go "
        "http.Transport.IdleConnTimeout < {0}s, Apache HttpClient evictIdleConnections), or "
        "raise the server's keep-alive timeout (nginx keepalive_timeout, Tomcat "
        "keepAliveTimeout) above the client's.",
        secs, beat);
  } else {
    out->evidence.push_back(fmt::format(
        "an idle timeout of {:.1f} minutes is typical of a firewall, NAT or load balancer "
        "dropping idle sessions",
        secs / 60.0));
    out->advice = fmt::format(
        "Something between the peers drops sessions idle for about {0} s. Raise that idle "
        "timeout (load balancer idle timeout, e.g. AWS ELB idle_timeout.timeout_seconds; "
        "conntrack net.netfilter.nf_conntrack_tcp_timeout_established; the firewall's session "
        "timeout) or keep connections busy: TCP keepalive below it (sysctl -w "
        "net.ipv4.tcp_keepalive_time={1} net.ipv4.tcp_keepalive_intvl=15, and SO_KEEPALIVE "
        "on the sockets) or an application heartbeat every {1} s. Bypassing the middlebox "
        "for a test confirms it.",
        secs, beat);
  }
  return true;
}

struct BurstFacts {
  uint64_t seconds = 0, resets_in = 0, resets_all = 0, fd_near = 0, fd_all = 0;
  size_t max_peers = 0;
  uint32_t max_resets = 0;
};

BurstFacts MeasureBursts(const BurstSeconds& bursts) {
  BurstFacts f;
  std::vector<int64_t> burst_seconds;
  for (const auto& [second, s] : bursts.seconds()) {
    f.resets_all += s.resets;
    f.fd_all += s.fd_errors;
    if (s.peers() < L::kBurstPeers) continue;
    burst_seconds.push_back(second);
    ++f.seconds;
    f.resets_in += s.resets;
    f.max_peers = std::max(f.max_peers, s.peers());
    f.max_resets = std::max(f.max_resets, s.resets);
  }
  for (const auto& [second, s] : bursts.seconds()) {
    if (s.fd_errors == 0) continue;
    auto it = std::lower_bound(burst_seconds.begin(), burst_seconds.end(),
                               second - L::kFdNearBurstSeconds);
    if (it != burst_seconds.end() && *it <= second + L::kFdNearBurstSeconds)
      f.fd_near += s.fd_errors;
  }
  return f;
}

bool InferOverload(const Summary& s, RootCause* out) {
  BurstFacts f = MeasureBursts(s.bursts);
  if (f.seconds < L::kMinBurstSeconds || f.resets_in < L::kMinBurstResets) return false;
  out->id = "server_overload";
  double share = f.resets_all ? static_cast<double>(f.resets_in) / f.resets_all : 0;
  out->confidence = std::min(0.95, 0.3 + 0.35 * std::min(1.0, share / 0.5) + (f.fd_near ? 0.3 : 0));
  out->events = f.resets_in + f.fd_near;
  out->causes = kResetCauses;
  out->evidence.push_back(fmt::format(
      "{} seconds in which {} or more distinct peers had resets at once (up to {}{} peers and "
      "{} resets in one second)",
      f.seconds, L::kBurstPeers, f.max_peers, f.max_peers >= BurstSeconds::kPeerCap ? "+" : "",
      f.max_resets));
  out->evidence.push_back(fmt::format("{} of {} resets ({}) fell in those bursts", f.resets_in,
                                      f.resets_all, Percent(f.resets_in, f.resets_all)));
  if (f.fd_near > 0) {
    out->causes.push_back("too_many_files");
    out->evidence.push_back(
        fmt::format("{} of {} \"too many open files\" errors came within {} s of a burst",
                    f.fd_near, f.fd_all, L::kFdNearBurstSeconds));
  }
  out->advice =
      "More concurrent connections than the server carries. Compare the connection count "
      "with its limits during a burst (`ss -s`, `ss -tn state established | wc -l`) and raise "
      "them or add capacity (nginx worker_connections, Tomcat maxConnections/maxThreads, "
      "`ulimit -n`). If the real client count is not above capacity, look for abnormal traffic "
      "(a scan, a runaway client): `ss -tn | awk '{print $5}' | cut -d: -f1 | sort | uniq -c | "
      "sort -rn | head`.";
  return true;
}

bool InferClientAbort(const Summary& s, RootCause* out) {
  uint64_t n = 0;
  uint64_t unnamed = 0;  // of them, at least this many name no client
  for (const std::string& id : kResetCauses) {
    const CauseStats* c = Find(s, id);
    if (c == nullptr) continue;
    n += c->http_response;
    // Every event of the cause that names a peer is counted against the HTTP responses:
    // a floor for those that name none, never more.
    unnamed += c->http_response - std::min(c->http_response, c->top_peers.total());
  }
  uint64_t clients = s.client_abort_peers.Count();
  // Servlet containers log ClientAbortException without the client's address: many such
  // events point here too, with less confidence, also when another log (a proxy's) names
  // a client or two besides. All of them naming one or two clients is another story (a
  // proxy or a health check going away), and is not called a client abort.
  bool by_count = clients == 0 ? n >= L::kMinUnnamedAborts
                               : clients < L::kMinAbortClients && unnamed >= L::kMinUnnamedAborts;
  if (n == 0 || (clients < L::kMinAbortClients && !by_count)) return false;
  out->id = "client_abort";
  out->events = n;
  out->causes = {"broken_pipe", "conn_reset"};
  if (by_count) {
    out->confidence = 0.5;
    out->evidence.push_back(
        clients == 0
            ? fmt::format("{} broken pipes or resets happened while writing an HTTP response "
                          "(the log does not name the clients)",
                          n)
            : fmt::format("{} broken pipes or resets happened while writing an HTTP response; "
                          "at least {} of them name no client, {} named",
                          n, unnamed, clients == 1 ? "one client is" : "two clients are"));
  } else {
    out->confidence = std::min(0.95, 0.5 + 0.1 * std::log2(static_cast<double>(clients)));
    out->evidence.push_back(fmt::format(
        "{} broken pipes or resets happened while writing an HTTP response, to {}{} distinct "
        "clients",
        n, clients, s.client_abort_peers.exact() ? "" : " (estimated)"));
  }
  out->advice =
      "Clients went away (closed the page, pressed stop, timed out) while the response was "
      "being written. Usually harmless to the server, but each one logs a stack trace: catch "
      "it and log one short line or nothing (Tomcat/Spring: handle ClientAbortException in an "
      "@ExceptionHandler; Node: listen for 'error' on the response; Python: catch "
      "BrokenPipeError/ConnectionResetError around the write; nginx logs them at info level). "
      "If clients time out, look at slow responses.";
  return true;
}

bool InferSimple(const Summary& s, const std::string& cause, RootCause* out) {
  const CauseStats* c = Find(s, cause);
  if (c == nullptr) return false;
  out->causes = {cause};
  out->events = c->count;
  std::string where = c->components.size() ? "; from " + TopKeys(c->components, 3) : "";
  if (cause == "bad_fd") {
    out->id = "use_after_close";
    out->confidence = std::min(0.9, 0.7 + 0.02 * c->count);
    out->evidence.push_back(
        fmt::format("{} \"Bad file descriptor\" errors{}{}", c->count, When(*c), where));
    out->advice =
        "An application bug: the code sends on (or closes) a socket it has already closed. "
        "Find the code path in the samples; make close idempotent and stop using the socket "
        "after it (set the handle to -1/null); `strace -f -e trace=close,write,sendto -p PID` "
        "shows the second use.";
  } else if (cause == "too_many_files") {
    out->id = "fd_exhaustion";
    out->confidence = 0.9;
    out->evidence.push_back(
        fmt::format("{} \"Too many open files\" errors{}{}", c->count, When(*c), where));
    out->advice =
        "The process ran out of file descriptors: leaked sockets or a low limit. Compare "
        "`ls /proc/PID/fd | wc -l` with `grep 'open files' /proc/PID/limits`; raise the limit "
        "(LimitNOFILE=65536 in the systemd unit, `ulimit -n 65536`, fs.file-max) and look for "
        "leaks (`lsof -p PID | awk '{print $5}' | sort | uniq -c`, sockets in CLOSE_WAIT: "
        "`ss -tan state close-wait`).";
  } else if (cause == "conn_refused") {
    out->id = "no_listener";
    out->confidence = 0.85;
    out->evidence.push_back(fmt::format("{} \"Connection refused\" errors{}", c->count, When(*c)));
    if (c->endpoints.size())
      out->evidence.push_back("refused endpoints: " + TopKeys(c->endpoints, 3));
    else if (c->top_peers.size())
      out->evidence.push_back("refused peers: " + TopKeys(c->top_peers, 3));
    out->advice =
        "Nothing listened on the target address: the service was down, restarting, or on "
        "another port. Check it is up and listening (`systemctl status SERVICE`, `ss -lntp | "
        "grep :PORT`), that clients use the right host:port, and deploys or restarts in the "
        "time window.";
  }
  return !out->id.empty();
}

bool InferWrongDescriptor(const Summary& s, RootCause* out) {
  const CauseStats* c = Find(s, "not_connected");
  if (c == nullptr || c->on_read == 0) return false;
  out->id = "wrong_descriptor";
  out->confidence = std::min(0.85, 0.45 + 0.4 * c->on_read / c->count);
  out->events = c->on_read;
  out->causes = {"not_connected"};
  out->evidence.push_back(
      fmt::format("{} of {} \"Transport endpoint is not connected\" errors came from a read{}",
                  c->on_read, c->count, When(*c)));
  out->advice =
      "An application bug: read()/recv() was given a socket that is not connected, typically "
      "the listening socket instead of the one accept() returned, or a socket whose connect() "
      "has not completed. Check which descriptor the failing read uses.";
  return true;
}

// Resets that no pattern explains: the peer closed (or crashed) while we used the socket.
bool InferPeerClosed(const Summary& s, uint64_t explained, RootCause* out) {
  uint64_t resets = ResetCount(s);
  if (resets <= explained) return false;
  uint64_t rest = resets - explained;
  out->id = "peer_closed";
  out->confidence = explained == 0 ? 0.6 : 0.45;
  out->events = rest;
  out->causes = kResetCauses;
  QuietGaps::Cluster c = s.gaps.FindCluster(L::kMinGapMs);
  out->evidence.push_back(fmt::format("{} resets, broken pipes or aborts{} with no other pattern",
                                      rest, explained ? fmt::format(" (of {})", resets) : ""));
  if (c.total > 0)
    out->evidence.push_back(fmt::format(
        "quiet gaps before resets do not cluster: at most {} of {} ({}) in any narrow range",
        c.gaps, c.total, Percent(c.gaps, c.total)));
  out->advice =
      "The other end closed the connection (on purpose, or by crashing) while this side still "
      "sent or read. Check the peers' logs for restarts or errors at those times; retry "
      "idempotent requests on a fresh connection; close connections cleanly on both sides "
      "(shutdown, then close).";
  return true;
}

}  // namespace

std::vector<RootCause> InferRootCauses(const Summary& s) {
  std::vector<RootCause> found;
  auto add = [&](auto&& infer) {
    RootCause rc;
    if (infer(&rc)) found.push_back(std::move(rc));
  };
  uint64_t explained = 0;
  add([&](RootCause* rc) { return InferIdleTimeout(s, rc) && (explained += rc->events, true); });
  add([&](RootCause* rc) { return InferOverload(s, rc) && (explained += rc->events, true); });
  add([&](RootCause* rc) { return InferClientAbort(s, rc) && (explained += rc->events, true); });
  add([&](RootCause* rc) { return InferAcceptQueueOverflow(s, rc); });
  add([&](RootCause* rc) { return InferSimple(s, "bad_fd", rc); });
  add([&](RootCause* rc) { return InferWrongDescriptor(s, rc); });
  add([&](RootCause* rc) { return InferSimple(s, "too_many_files", rc); });
  add([&](RootCause* rc) { return InferSimple(s, "conn_refused", rc); });
  add([&](RootCause* rc) { return InferPeerClosed(s, explained, rc); });

  double total = static_cast<double>(std::max<uint64_t>(1, s.SocketErrorEvents()));
  for (RootCause& rc : found) {
    double share = std::min(1.0, rc.events / total);
    rc.score = rc.confidence * (0.25 + 0.75 * share);
  }
  std::stable_sort(found.begin(), found.end(), [](const RootCause& a, const RootCause& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return found;
}

}  // namespace sockfilter
