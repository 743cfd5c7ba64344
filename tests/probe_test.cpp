// `sockfilter probe` against the real kernel: a listener on 127.0.0.1 with backlog 1 that
// never accepts, a bounded burst of connects, and the probe (library and binary) must see
// the queue full and ListenOverflows rising.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/host/captures.h"
#include "analyzer/host/host_report.h"
#include "analyzer/host/host_text_printer.h"
#include "analyzer/host/probe.h"
#include "analyzer/host/sysctl_settings.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

// A TCP listener on 127.0.0.1 (kernel-chosen port) that never accepts, and the client
// sockets thrown at it; everything is closed on destruction.
class NeverAcceptingListener {
 public:
  explicit NeverAcceptingListener(int backlog) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(fd_, backlog) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~NeverAcceptingListener() {
    for (int client : clients_) close(client);
    close(fd_);
  }
  uint16_t port() const { return port_; }

  // Starts `count` non-blocking connects; none waits for its handshake.
  void Burst(int count) {
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port_);
    for (int i = 0; i < count; ++i) {
      int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      REQUIRE(client >= 0);
      connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address);
      clients_.push_back(client);
    }
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::vector<int> clients_;
};

int64_t Overflows(const HostSnapshot& s) {
  auto it = s.counters.find("TcpExtListenOverflows");
  REQUIRE(it != s.counters.end());
  return it->second;
}

const ListenerState* ListenerOn(const HostReport& r, uint16_t port) {
  REQUIRE(r.listeners);
  for (const ListenerState& l : *r.listeners) {
    if (l.last.port == port) return &l;
  }
  return nullptr;
}

TEST_CASE("probe sees a real accept-queue overflow on 127.0.0.1", "[probe]") {
  NeverAcceptingListener listener(1);
  ProbeOptions options;
  options.ports = {listener.port()};
  HostEvidence evidence;
  evidence.settings = ReadSysctlSettings(&evidence.unreadable);
  evidence.snapshots.push_back(TakeSnapshot(options, &evidence.unreadable));
  listener.Burst(20);
  // The kernel counts an overflow when it drops a SYN to the full queue; on loopback that
  // happens during connect(), but allow a bounded wait for slow machines.
  HostSnapshot after;
  for (int attempt = 0; attempt < 30; ++attempt) {
    after = TakeSnapshot(options, &evidence.unreadable);
    if (Overflows(after) > Overflows(evidence.snapshots[0]) && after.listeners &&
        !after.listeners->empty() && after.listeners->at(0).Full()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  evidence.snapshots.push_back(after);

  REQUIRE(after.listeners);
  REQUIRE(after.listeners->size() == 1);
  const Listener& seen = after.listeners->at(0);
  CHECK(seen.local == "127.0.0.1:" + std::to_string(listener.port()));
  CHECK(seen.send_q == 1);
  CHECK(seen.recv_q >= seen.send_q);
  CHECK(Overflows(after) > Overflows(evidence.snapshots[0]));

  HostReport report = BuildHostReport(evidence);
  REQUIRE(report.Counter("TcpExtListenOverflows")->delta);
  CHECK(*report.Counter("TcpExtListenOverflows")->delta > 0);
  REQUIRE_FALSE(report.findings.empty());
  const HostFinding& finding = report.findings[0];
  CHECK(finding.id == "accept_queue_overflow");
  CHECK(finding.confidence >= 0.9);
  std::string evidence_text;
  for (const std::string& e : finding.evidence) evidence_text += e + "\n";
  CHECK_THAT(evidence_text, Catch::Contains(seen.local + ": "));
  CHECK_THAT(evidence_text, Catch::Contains("is below net.core.somaxconn"));
  CHECK_THAT(finding.advice, Catch::Contains("sysctl -w net.core.somaxconn="));
  CHECK_THAT(finding.advice, Catch::Contains("/etc/sysctl.d/"));
  CHECK_THAT(finding.advice, Catch::Contains("listen()"));

  // The text form fits 80 columns and names the full listener.
  std::string text = FormatHostReportText(report);
  CHECK_THAT(text, Catch::Contains("FULL"));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 80);
  }
}

TEST_CASE("the probe binary reports the overflow as JSON that analyze can read back", "[probe]") {
  NeverAcceptingListener listener(1);
  test::ProcessResult result;
  std::thread probe([&] {
    result = test::RunSockfilter({"probe", "--count", "2", "--interval", "1", "--port",
                                  std::to_string(listener.port()), "--format", "json"});
  });
  // Connects spread over 1.5 s: the probe's first snapshot comes right after it starts
  // and its second a second later, so some of them fall between the two.
  for (int i = 0; i < 15; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    listener.Burst(2);
  }
  probe.join();
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("\"schema\": \"sockfilter.probe.v1\""));
  CHECK_THAT(result.out, Catch::Contains("\"full\": true"));
  CHECK(result.out.find("\033[") == std::string::npos);  // not a terminal: no colour

  Result<HostCapture> capture = ParseCapture(result.out);
  REQUIRE(capture.ok());
  REQUIRE(capture->evidence.snapshots.size() == 2);
  HostReport report = BuildHostReport(capture->evidence);
  const CounterChange* overflows = report.Counter("TcpExtListenOverflows");
  REQUIRE(overflows);
  REQUIRE(overflows->delta);
  CHECK(*overflows->delta > 0);
  const ListenerState* seen = ListenerOn(report, listener.port());
  REQUIRE(seen);
  CHECK(seen->full);
  CHECK(seen->last.recv_q >= seen->last.send_q);
  REQUIRE_FALSE(report.findings.empty());
  CHECK(report.findings[0].id == "accept_queue_overflow");
}

TEST_CASE("a process near its descriptor limit is reported as fd_exhaustion", "[probe]") {
  int ready[2];
  REQUIRE(pipe2(ready, O_CLOEXEC) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Only async-signal-safe calls here: a soft limit of 64, about 60 descriptors open.
    struct rlimit limit = {64, 64};
    setrlimit(RLIMIT_NOFILE, &limit);
    for (int i = 0; i < 64; ++i) {
      int fd = open("/dev/null", O_RDONLY);
      if (fd < 0 || fd >= 59) break;
    }
    char byte = 1;
    (void)!write(ready[1], &byte, 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);

  ProbeOptions options;
  options.pid = child;
  options.count = 1;
  HostEvidence evidence = RunProbe(options, [](double) { return true; });
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);

  HostReport report = BuildHostReport(evidence);
  REQUIRE(report.process);
  REQUIRE(report.process->open);
  CHECK(*report.process->open >= 58);
  CHECK(report.process->soft_limit == 64);
  bool found = false;
  for (const HostFinding& f : report.findings) {
    if (f.id != "fd_exhaustion") continue;
    found = true;
    CHECK(f.confidence >= 0.85);
    CHECK_THAT(f.evidence[0], Catch::Contains("of a soft limit of 64"));
    CHECK_THAT(f.advice, Catch::Contains("LimitNOFILE="));
    CHECK_THAT(f.advice, Catch::Contains("ulimit -n"));
  }
  CHECK(found);
}

TEST_CASE("probe says what it could not read instead of failing", "[probe]") {
  // A pid above pid_max never exists.
  test::ProcessResult result = test::RunSockfilter(
      {"probe", "--count", "1", "--interval", "0", "--pid", "2147483647", "--port", "1"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Could not read"));
  CHECK_THAT(result.out, Catch::Contains("/proc/2147483647/fd: no such file or directory"));
  if (geteuid() != 0) {
    test::ProcessResult other = test::RunSockfilter(
        {"probe", "--count", "1", "--interval", "0", "--pid", "1", "--format", "json"});
    CHECK(other.exit_code == 0);
    CHECK_THAT(other.out, Catch::Contains("\"what\": \"/proc/1/fd\""));
  } else {
    WARN("running as root: another user's /proc/PID/fd is readable, that case is not tested");
  }
}

TEST_CASE("wrapped advice never breaks a quoted command", "[probe]") {
  std::string text =
      WrapText("Raise the system cap: `sysctl -w net.core.somaxconn=32768`, and persist it.",
               "    advice: ", "      ", 40);
  CHECK(text ==
        "    advice: Raise the system cap:\n"
        "      `sysctl -w net.core.somaxconn=32768`,\n"
        "      and persist it.\n");
}

TEST_CASE("probe rejects bad options with a usage error", "[probe]") {
  CHECK(test::RunSockfilter({"probe", "--format", "xml"}).exit_code == 2);
  CHECK(test::RunSockfilter({"probe", "--port", "0"}).exit_code == 2);
  CHECK(test::RunSockfilter({"probe", "--count", "0"}).exit_code == 2);
  CHECK(test::RunSockfilter({"probe", "--interval", "-1"}).exit_code == 2);
}

}  // namespace
}  // namespace sockfilter
