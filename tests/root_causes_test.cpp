// Root-cause inference: for each root cause, events built to show it, and events that
// must not trigger it. Events go through the real SummarySink (tags set by hand, as the
// classify stage would), then InferRootCauses.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "analyzer/report.h"
#include "analyzer/root_causes.h"
#include "analyzer/summary_json.h"
#include "analyzer/summary_sink.h"

namespace sockfilter {
namespace {

constexpr TimeMs kT0 = 1710126809000;

class Feeder {
 public:
  Feeder()
      : sink_(
            causes_, [](const Event& e) { return HashText(e.first_line_text().substr(24)); },
            &summary_, SummarySink::Options{2024, nullptr}) {}

  void Add(const std::string& cause, const std::string& peer, TimeMs t, std::string text) {
    Event e;
    text_ = "2024-03-11 00:00:00,000 " + text + "\n";
    e.raw = text_;
    e.line_count = 1;
    e.tags.time = t;
    e.tags.peer = peer;
    for (size_t i = 0; i < causes_.size(); ++i)
      if (causes_[i].id == cause) e.tags.cause = static_cast<int>(i);
    sink_.OnEvent(e);
  }

  std::vector<RootCause> Roots() { return InferRootCauses(summary_); }
  const RootCause* Find(const std::string& id) {
    roots_ = Roots();
    for (const RootCause& rc : roots_)
      if (rc.id == id) return &rc;
    return nullptr;
  }
  Summary& summary() { return summary_; }

 private:
  std::vector<CauseInfo> causes_ = {
      {"conn_reset", ""},    {"broken_pipe", ""},    {"bad_fd", ""},
      {"not_connected", ""}, {"conn_refused", ""},   {"timeout", ""},
      {"conn_aborted", ""},  {"too_many_files", ""}, {"listen_overflow", ""}};
  Summary summary_;
  SummarySink sink_;
  std::string text_;
  std::vector<RootCause> roots_;
};

std::string Ip(int n) { return "10.1." + std::to_string(n / 200) + "." + std::to_string(n % 200); }

// Each of `peers` pooled connections is reset after `idle_ms` (+ up to 2 s) of quiet.
void IdleResets(Feeder* f, int peers, int rounds, TimeMs idle_ms) {
  std::mt19937_64 rng(1);
  for (int p = 0; p < peers; ++p) {
    TimeMs t = kT0 + p * 3000;
    f->Add("", Ip(p), t, "request to upstream ok");
    for (int k = 0; k < rounds; ++k) {
      t += idle_ms + static_cast<TimeMs>(rng() % 2000);
      f->Add("conn_reset", Ip(p), t, "read: connection reset by peer");
    }
  }
}

TEST_CASE("Resets after a constant 60 s quiet gap are an idle timeout that names 60 s") {
  Feeder f;
  IdleResets(&f, 5, 6, 60000);
  const RootCause* rc = f.Find("idle_timeout");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->confidence > 0.6);
  REQUIRE(rc->evidence[0].find("60 s") != std::string::npos);
  REQUIRE(rc->advice.find("60") != std::string::npos);
  REQUIRE(f.Find("middlebox_timeout") == nullptr);
}

TEST_CASE("Resets after a constant 5 minute gap are a middlebox timeout") {
  Feeder f;
  IdleResets(&f, 4, 5, 300000);
  const RootCause* rc = f.Find("middlebox_timeout");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->evidence[0].find("300 s") != std::string::npos);
  REQUIRE(f.Find("idle_timeout") == nullptr);
}

TEST_CASE("Random resets with no gap pattern are not an idle timeout but a peer close") {
  Feeder f;
  std::mt19937_64 rng(2);
  std::exponential_distribution<double> gap(1.0 / 90.0);
  TimeMs t = kT0;
  for (int i = 0; i < 200; ++i) {
    t += static_cast<TimeMs>(gap(rng) * 1000);
    f.Add("conn_reset", Ip(static_cast<int>(rng() % 8)), t, "read: connection reset by peer");
  }
  REQUIRE(f.Find("idle_timeout") == nullptr);
  REQUIRE(f.Find("middlebox_timeout") == nullptr);
  REQUIRE(f.Find("server_overload") == nullptr);
  const RootCause* rc = f.Find("peer_closed");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->events == 200);
}

TEST_CASE("Resets from many peers in the same seconds with fd errors nearby are overload") {
  Feeder f;
  for (int s = 0; s < 5; ++s) {
    for (int p = 0; p < 12; ++p)
      f.Add("conn_reset", Ip(s * 20 + p), kT0 + s * 600000 + p * 10, "connection reset by peer");
    f.Add("too_many_files", "", kT0 + s * 600000 + 20000, "accept: Too many open files");
  }
  const RootCause* rc = f.Find("server_overload");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->confidence > 0.8);
  REQUIRE(std::count(rc->causes.begin(), rc->causes.end(), "too_many_files") == 1);
  REQUIRE(f.Find("fd_exhaustion") != nullptr);
}

TEST_CASE("The same resets spread one per second are not overload") {
  Feeder f;
  for (int i = 0; i < 60; ++i)
    f.Add("conn_reset", Ip(i), kT0 + i * 1500, "connection reset by peer");
  REQUIRE(f.Find("server_overload") == nullptr);
}

TEST_CASE("Broken pipes writing HTTP responses to many clients are client aborts") {
  Feeder f;
  for (int i = 0; i < 10; ++i)
    f.Add("broken_pipe", Ip(i), kT0 + i * 40000,
          "writev() failed (32: Broken pipe) while sending to client, client: " + Ip(i));
  const RootCause* rc = f.Find("client_abort");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->events == 10);
  REQUIRE(rc->evidence[0].find("10 distinct clients") != std::string::npos);
}

TEST_CASE("Broken pipes to one upstream are not client aborts") {
  Feeder f;
  for (int i = 0; i < 10; ++i)
    f.Add("broken_pipe", "10.9.9.9", kT0 + i * 40000,
          "writev() failed (32: Broken pipe) while sending to client, client: 10.9.9.9");
  REQUIRE(f.Find("client_abort") == nullptr);
}

TEST_CASE("Broken pipes writing HTTP responses that name no client are client aborts") {
  Feeder f;
  for (int i = 0; i < 10; ++i)
    f.Add("broken_pipe", "", kT0 + i * 40000,
          "org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken "
          "pipe, writing response");
  const RootCause* rc = f.Find("client_abort");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->confidence == Approx(0.5));
  REQUIRE(rc->evidence[0].find("does not name the clients") != std::string::npos);
}

// Regression (found by tests/lab): a proxy's line that named one client among an
// application's unnamed aborts took the client abort away altogether.
TEST_CASE("One named client among many unnamed HTTP aborts still makes a client abort") {
  Feeder f;
  for (int i = 0; i < 12; ++i)
    f.Add("conn_reset", "", kT0 + i * 40000,
          "client 127.0.0.2:4242 went away while sending response body: Connection reset");
  f.Add("conn_reset", "127.0.0.3", kT0 + 13 * 40000,
        "writev() failed (104: Connection reset by peer) while sending to client, client: "
        "127.0.0.3");
  const RootCause* rc = f.Find("client_abort");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->events == 13);
  REQUIRE(rc->confidence == Approx(0.5));
  REQUIRE(rc->evidence[0].find("at least 12 of them name no client, one client is named") !=
          std::string::npos);
}

TEST_CASE("Error kinds that name an application bug or a missing listener map one to one") {
  Feeder f;
  REQUIRE(f.Roots().empty());  // nothing counted, nothing claimed
  f.Add("bad_fd", "", kT0, "send: [Errno 9] Bad file descriptor");
  f.Add("not_connected", "", kT0 + 1, "recv() failed: Transport endpoint is not connected");
  f.Add("too_many_files", "", kT0 + 2, "accept4() failed (24: Too many open files)");
  f.Add("conn_refused", "10.2.0.1:5432", kT0 + 3, "connect ECONNREFUSED 10.2.0.1:5432");
  for (const char* id : {"use_after_close", "wrong_descriptor", "fd_exhaustion", "no_listener"})
    REQUIRE(f.Find(id) != nullptr);
  REQUIRE(f.Find("peer_closed") == nullptr);
  REQUIRE(f.Find("accept_queue_overflow") == nullptr);
}

TEST_CASE("Not connected outside a read is not called a wrong descriptor") {
  Feeder f;
  f.Add("not_connected", "", kT0, "getpeername: Transport endpoint is not connected");
  REQUIRE(f.Find("wrong_descriptor") == nullptr);
}

TEST_CASE("Rising listen overflow counters and a full listener are accept queue overflow") {
  Feeder f;
  HostInput capture{"nstat.txt", {}};
  capture.evidence.settings["net.core.somaxconn"] = 4096;
  HostSnapshot a, b;
  a.counters["TcpExtListenOverflows"] = 100;
  b.counters["TcpExtListenOverflows"] = 160;
  b.counters["TcpExtListenDrops"] = 0;
  a.counters["TcpExtListenDrops"] = 0;
  b.listeners = std::vector<Listener>{{"0.0.0.0:8080", 8080, 129, 128}};
  capture.evidence.snapshots = {a, b};
  f.summary().host.push_back(capture);
  const RootCause* rc = f.Find("accept_queue_overflow");
  REQUIRE(rc != nullptr);
  REQUIRE(rc->confidence > 0.8);
  REQUIRE(rc->advice.find("min(128, 4096) = 128") != std::string::npos);
}

TEST_CASE("A listener full in several snapshots is one listener, not one per snapshot") {
  Feeder f;
  HostInput capture{"ss.txt", {}};
  for (int i = 0; i < 3; ++i) {
    HostSnapshot snap;
    snap.time_text = "01:20:5" + std::to_string(i);
    snap.listeners =
        std::vector<Listener>{{"127.0.0.1:8080", 8080, 5, 4}, {"0.0.0.0:9090", 9090, 0, 128}};
    if (i == 2) snap.listeners->push_back({"0.0.0.0:7070", 7070, 129, 128});
    capture.evidence.snapshots.push_back(snap);
  }
  f.summary().host.push_back(capture);
  const RootCause* rc = f.Find("accept_queue_overflow");
  REQUIRE(rc != nullptr);
  std::string all;
  for (const std::string& e : rc->evidence) all += e + "\n";
  INFO(all);
  CHECK(all.find("2 listener(s) with a full accept queue: 127.0.0.1:8080 (Recv-Q 5 >= Send-Q 4, "
                 "01:20:50; full in 3 snapshots); 0.0.0.0:7070 (Recv-Q 129 >= Send-Q 128, "
                 "01:20:52)") != std::string::npos);
}

TEST_CASE("Flat listen counters and a listener with room are not accept queue overflow") {
  Feeder f;
  HostInput capture{"nstat.txt", {}};
  HostSnapshot a, b;
  a.counters["TcpExtListenOverflows"] = 100;
  b.counters["TcpExtListenOverflows"] = 100;
  b.listeners = std::vector<Listener>{{"0.0.0.0:8080", 8080, 3, 128}};
  capture.evidence.snapshots = {a, b};
  f.summary().host.push_back(capture);
  REQUIRE(f.Find("accept_queue_overflow") == nullptr);
}

TEST_CASE("A summary written as JSON reads back into the same report") {
  Feeder f;
  IdleResets(&f, 5, 6, 60000);
  f.Add("too_many_files", "", kT0 + 5, "accept4() failed (24: Too many open files)");
  ReportOptions options;
  std::string json = RenderJson(f.summary(), f.Roots(), options);
  Result<Summary> back = ReadSummaryJson(json, "test.json");
  REQUIRE(back.ok());
  REQUIRE(RenderJson(*back, InferRootCauses(*back), options) == json);
}

}  // namespace
}  // namespace sockfilter
