// Host captures as `analyze` will meet them: the real `netstat -s`, `nstat -az`,
// `ss -lnt`, /proc/net/netstat and probe JSON texts saved in samples/host/, taken on a
// host while a listener with a tiny backlog overflowed.
#include <catch2/catch.hpp>
#include <string>

#include "analyzer/host/capture_time.h"
#include "analyzer/host/captures.h"
#include "analyzer/host/host_json_printer.h"
#include "analyzer/host/host_report.h"
#include "analyzer/host/host_text_printer.h"
#include "analyzer/host/netstat_sentences.h"
#include "analyzer/host/process_fds.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

HostCapture ParseSample(const std::string& name) {
  std::string text = test::ReadFile(test::SourcePath("samples/host/" + name));
  Result<HostCapture> capture = ParseCapture(text);
  INFO(name << ": " << capture.status().message());
  REQUIRE(capture.ok());
  return *capture;
}

int64_t CounterIn(const HostSnapshot& s, const std::string& name) {
  auto it = s.counters.find(name);
  REQUIRE(it != s.counters.end());
  return it->second;
}

const HostFinding* FindingWithId(const HostReport& r, const std::string& id) {
  for (const HostFinding& f : r.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

TEST_CASE("netstat -s run twice with date lines gives two timed snapshots", "[captures]") {
  HostCapture capture = ParseSample("netstat_s_two_snapshots.txt");
  CHECK(capture.kinds == kNetstatS);
  const std::vector<HostSnapshot>& snaps = capture.evidence.snapshots;
  REQUIRE(snaps.size() == 2);
  REQUIRE(snaps[0].unix_time);
  CHECK(*snaps[0].unix_time == 1795482230.0);  // Tue Nov 24 01:03:50 UTC 2026
  CHECK(*snaps[1].unix_time - *snaps[0].unix_time == 2.0);
  // The first run printed no overflow line: netstat -s leaves out zero TcpExt counters.
  CHECK(CounterIn(snaps[0], "TcpExtListenOverflows") == 0);
  CHECK(CounterIn(snaps[1], "TcpExtListenOverflows") == 54);
  CHECK(CounterIn(snaps[1], "TcpExtListenDrops") == 54);
  CHECK(CounterIn(snaps[0], "TcpActiveOpens") == 13);
  CHECK(CounterIn(snaps[1], "TcpActiveOpens") == 38);
  CHECK(CounterIn(snaps[1], "TcpCurrEstab") == 9);
  CHECK(CounterIn(snaps[1], "TcpOutRsts") == 2);
  CHECK(CounterIn(snaps[1], "TcpExtTCPTimeouts") == 38);  // printed as "TCPTimeouts: 38"
  CHECK(CounterIn(snaps[1], "IpExtInOctets") > 0);

  HostReport report = BuildHostReport(capture.evidence);
  const CounterChange* overflows = report.Counter("TcpExtListenOverflows");
  REQUIRE(overflows);
  CHECK(overflows->delta == 54);
  REQUIRE(overflows->rate);
  CHECK(*overflows->rate == Approx(27.0));
  const HostFinding* finding = FindingWithId(report, "accept_queue_overflow");
  REQUIRE(finding);
  CHECK(finding->confidence == Approx(0.75));  // counters only: no listener in the capture
  CHECK(finding->evidence[0].find("rose by 54 in 2.0 s") != std::string::npos);
}

TEST_CASE("nstat -az between ISO lines gives totals, not increments", "[captures]") {
  HostCapture capture = ParseSample("nstat_az_two_snapshots.txt");
  CHECK(capture.kinds == kNstat);
  const std::vector<HostSnapshot>& snaps = capture.evidence.snapshots;
  REQUIRE(snaps.size() == 2);
  CHECK_FALSE(snaps[0].counters_are_increments);
  CHECK(*snaps[0].unix_time == 1795482230.0);
  CHECK(CounterIn(snaps[0], "TcpExtListenOverflows") == 0);
  CHECK(CounterIn(snaps[1], "TcpExtListenOverflows") == 54);
  CHECK(CounterIn(snaps[1], "TcpExtTCPSynRetrans") == 36);
  CHECK(CounterIn(snaps[1], "TcpOutRsts") == 2);
  CHECK(snaps[0].counters.size() > 300);  // -z: every counter, zeros included
  HostReport report = BuildHostReport(capture.evidence);
  CHECK(report.Counter("TcpExtListenOverflows")->delta == 54);
  CHECK(report.Counter("TcpExtTCPSynRetrans")->delta == 36);
}

TEST_CASE("/proc/net/netstat and /proc/net/snmp read twice split at the repeated block",
          "[captures]") {
  HostCapture capture = ParseSample("proc_net_netstat_snmp.txt");
  CHECK(capture.kinds == kProcNetstat);
  const std::vector<HostSnapshot>& snaps = capture.evidence.snapshots;
  REQUIRE(snaps.size() == 2);
  CHECK_FALSE(snaps[0].unix_time);
  CHECK(CounterIn(snaps[0], "TcpExtListenOverflows") == 0);
  CHECK(CounterIn(snaps[1], "TcpExtListenOverflows") == 54);
  CHECK(CounterIn(snaps[0], "TcpActiveOpens") == 13);
  CHECK(CounterIn(snaps[1], "TcpActiveOpens") == 38);
  CHECK(CounterIn(snaps[1], "TcpRetransSegs") == 36);
  CHECK(CounterIn(snaps[1], "TcpMaxConn") == -1);
  HostReport report = BuildHostReport(capture.evidence);
  CHECK(report.Counter("TcpExtListenDrops")->delta == 54);
  CHECK_FALSE(report.Counter("TcpExtListenDrops")->rate);  // no times in the capture
}

TEST_CASE("ss -lnt gives each listener's queue length and maximum", "[captures]") {
  HostCapture capture = ParseSample("ss_lnt.txt");
  CHECK(capture.kinds == kSsListen);
  REQUIRE(capture.evidence.snapshots.size() == 1);
  const std::vector<Listener>& listeners = *capture.evidence.snapshots[0].listeners;
  REQUIRE(listeners.size() == 3);
  CHECK(listeners[0].local == "0.0.0.0:2024");
  CHECK(listeners[0].send_q == 128);
  CHECK_FALSE(listeners[0].Full());
  CHECK(listeners[1].local == "127.0.0.1:53911");
  CHECK(listeners[1].port == 53911);
  CHECK(listeners[1].recv_q == 2);
  CHECK(listeners[1].send_q == 1);
  CHECK(listeners[1].Full());
  CHECK(listeners[2].local == "[::1]:33625");
  CHECK(listeners[2].recv_q == 5);
  CHECK(listeners[2].send_q == 16);
  CHECK_FALSE(listeners[2].Full());

  HostReport report = BuildHostReport(capture.evidence);
  const HostFinding* finding = FindingWithId(report, "accept_queue_overflow");
  REQUIRE(finding);
  CHECK(finding->confidence == Approx(0.6));  // a full queue, no counters to confirm it
  CHECK(finding->evidence[0].find("127.0.0.1:53911: 2 connections waiting") == 0);
}

TEST_CASE("plain nstat and ss between date -R lines read as increments", "[captures]") {
  HostCapture capture = ParseSample("mixed_date_nstat_ss.txt");
  CHECK(capture.kinds == (kNstat | kSsListen));
  const std::vector<HostSnapshot>& snaps = capture.evidence.snapshots;
  REQUIRE(snaps.size() == 3);
  for (const HostSnapshot& s : snaps) {
    CHECK(s.counters_are_increments);
    REQUIRE(s.listeners);
    CHECK(s.listeners->size() == 2);
  }
  CHECK(CounterIn(snaps[0], "TcpExtListenOverflows") == 3);
  CHECK(CounterIn(snaps[1], "TcpExtListenOverflows") == 8);
  CHECK(CounterIn(snaps[2], "TcpExtListenOverflows") == 11);
  CHECK(*snaps[2].unix_time - *snaps[0].unix_time == 1.0);
  HostReport report = BuildHostReport(capture.evidence);
  // Increments after the first reading add up: 8 + 11.
  CHECK(report.Counter("TcpExtListenOverflows")->delta == 19);
  const HostFinding* finding = FindingWithId(report, "accept_queue_overflow");
  REQUIRE(finding);
  CHECK(finding->confidence == Approx(0.95));
  CHECK(finding->evidence[2].find("127.0.0.1:36453: 5 connections waiting in an accept queue "
                                  "of at most 4, full") == 0);
}

TEST_CASE("probe JSON reads back into the snapshots it was written from", "[captures]") {
  HostCapture capture = ParseSample("probe_overflow.json");
  CHECK(capture.kinds == kProbeJson);
  const HostEvidence& evidence = capture.evidence;
  REQUIRE(evidence.snapshots.size() == 3);
  CHECK(CounterIn(evidence.snapshots[0], "TcpExtListenOverflows") == 87);
  CHECK(CounterIn(evidence.snapshots[2], "TcpExtListenOverflows") == 109);
  CHECK(evidence.snapshots[1].listeners->at(0).recv_q == 5);
  CHECK(evidence.snapshots[1].listeners->at(0).send_q == 4);
  CHECK(evidence.snapshots[1].states->at("ESTAB") == 5);
  CHECK(evidence.settings.at("net.core.somaxconn") == 4096);
  CHECK(evidence.ports == std::vector<uint16_t>{36453});
  HostReport report = BuildHostReport(evidence);
  CHECK(report.Counter("TcpExtListenOverflows")->delta == 22);
  REQUIRE_FALSE(report.findings.empty());
  CHECK(report.findings[0].id == "accept_queue_overflow");
  CHECK(report.findings[0].confidence == Approx(0.95));

  // Written again and read again, nothing is lost.
  Result<HostCapture> again = ParseCapture(FormatHostReportJson(evidence, report));
  REQUIRE(again.ok());
  CHECK(again->evidence.snapshots.size() == 3);
  CHECK(again->evidence.snapshots[2].counters == evidence.snapshots[2].counters);
  CHECK(again->evidence.settings == evidence.settings);
}

TEST_CASE("netstat -s repeated without timestamps splits at the repeated section", "[captures]") {
  std::string text = test::ReadFile(test::SourcePath("samples/host/netstat_s_two_snapshots.txt"));
  std::string undated;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start + 1);
    if (line.rfind("Tue Nov", 0) != 0) undated += line;
    start = end + 1;
  }
  Result<HostCapture> capture = ParseCapture(undated);
  REQUIRE(capture.ok());
  REQUIRE(capture->evidence.snapshots.size() == 2);
  CHECK(CounterIn(capture->evidence.snapshots[1], "TcpExtListenOverflows") == 54);
  CHECK_FALSE(capture->evidence.snapshots[1].unix_time);
}

TEST_CASE("detection names each capture kind and ignores logs", "[captures]") {
  auto kinds_of = [](const std::string& name) {
    return DetectCaptureKinds(test::ReadFile(test::SourcePath("samples/host/" + name)));
  };
  CHECK(kinds_of("netstat_s_two_snapshots.txt") == kNetstatS);
  CHECK(kinds_of("nstat_az_two_snapshots.txt") == kNstat);
  CHECK(kinds_of("proc_net_netstat_snmp.txt") == kProcNetstat);
  CHECK(kinds_of("ss_lnt.txt") == kSsListen);
  CHECK(kinds_of("probe_overflow.json") == kProbeJson);
  CHECK(CaptureKindNames(kNstat | kSsListen) == "nstat, ss");

  const std::string log =
      "2025-03-04 10:15:01,123 ERROR [http-nio-8080-exec-3] Connection reset by peer\n"
      "java.net.SocketException: Connection reset\n"
      "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)\n"
      "Error: read ECONNRESET\n"
      "took 12 0.5\n"
      "{\"level\":\"error\",\"msg\":\"write: broken pipe\"}\n";
  CHECK(DetectCaptureKinds(log) == 0);
  CHECK_FALSE(ParseCapture(log).ok());
}

TEST_CASE("timestamp lines are recognised in the forms date and ISO tools print", "[captures]") {
  CHECK(ParseTimestampLine("Tue Nov 24 01:03:50 UTC 2026") == 1795482230.0);
  CHECK(ParseTimestampLine("Tue, 24 Nov 2026 01:03:50 +0000") == 1795482230.0);
  CHECK(ParseTimestampLine("Tue, 24 Nov 2026 02:03:50 +0100") == 1795482230.0);
  CHECK(ParseTimestampLine("=== 2026-11-24T01:03:50Z ===") == 1795482230.0);
  CHECK(ParseTimestampLine("2026-11-24 01:03:50") == 1795482230.0);
  CHECK(ParseTimestampLine("2026-11-24T01:03:50.250+00:00") == 1795482230.25);
  CHECK(ParseTimestampLine("1795482230") == 1795482230.0);
  CHECK(ParseTimestampLine("Tue Nov 24 01:03:50 AM UTC 2026") == 1795482230.0);
  CHECK_FALSE(ParseTimestampLine("Tcp:"));
  CHECK_FALSE(ParseTimestampLine("    2 resets sent"));
  CHECK_FALSE(ParseTimestampLine("LISTEN 0 128 0.0.0.0:2024 0.0.0.0:*"));
  CHECK_FALSE(ParseTimestampLine("12345"));
  CHECK_FALSE(ParseTimestampLine("2026-11-24 01:03:50 ERROR connection reset"));
  CHECK(FormatIsoUtc(1795482230.25) == "2026-11-24T01:03:50.250Z");
}

TEST_CASE("netstat -s sentences from older net-tools map to the same counters", "[captures]") {
  CHECK(CounterForSentence("Tcp", "%u segments send out") == "TcpOutSegs");
  CHECK(CounterForSentence("TcpExt", "%u SYNs to LISTEN sockets ignored") == "TcpExtListenDrops");
  CHECK(CounterForSentence("TcpExt", "Quick ack mode was activated %u times") ==
        "TcpExtDelayedACKLost");
  CHECK_FALSE(CounterForSentence("Udp", "%u resets sent"));
}

TEST_CASE("the open-files limit is read from /proc/PID/limits text", "[captures]") {
  const std::string limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max processes             63457                63457                processes \n"
      "Max open files            1024                 524288               files     \n";
  auto limit = ParseOpenFilesLimit(limits);
  REQUIRE(limit);
  CHECK(limit->first == 1024);
  CHECK(limit->second == 524288);
  auto unlimited =
      ParseOpenFilesLimit("Max open files            unlimited            unlimited  files\n");
  REQUIRE(unlimited);
  CHECK(unlimited->first == -1);
  CHECK_FALSE(ParseOpenFilesLimit("Max processes 1 1 processes\n"));
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

TEST_CASE("the text report prints capture text escaped: a capture cannot drive a terminal",
          "[captures]") {
  // A date line the timestamp parser accepts although it holds a tab and a 0xff byte
  // (found by the captures fuzz target), then a /proc/net/netstat block with control bytes
  // in a counter name.
  std::string capture =
      "Tue Nov 24 01:03:50 UTC 2026\nTcp:\n    2 connection resets received\n"
      "Tue\xff\t Nov 24 01:03:52 UTC 2026\nTcp:\n    5 connection resets received\n"
      "TcpExt: Listen\x1b[2JOverflows\nTcpExt: 7\n";
  Result<HostCapture> parsed = ParseCapture(capture);
  REQUIRE(parsed.ok());
  std::string text = FormatHostReportText(BuildHostReport(parsed->evidence), {.colour = false});
  INFO(text);
  for (char c : text) CHECK((c == '\n' || static_cast<unsigned char>(c) >= 0x20));
  CHECK(text.find("\\x") != std::string::npos);  // what was a control byte is shown escaped
}

}  // namespace
}  // namespace sockfilter
