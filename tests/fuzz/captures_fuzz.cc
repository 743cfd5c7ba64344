// Fuzz target: the host capture parsers (`netstat -s`, `nstat`, `ss -lnt`, /proc/net/netstat,
// probe JSON) and the report built from what they read.
//
// Invariants:
//   - detection and parsing never crash; a capture that parses has a kind, every snapshot
//     is non-empty, and the report (findings, deltas, rates between snapshots) builds and
//     prints without overflow (UBSan) as text without control bytes and as JSON that
//     parses back (valid UTF-8 whatever the capture held);
//   - planted values come back exactly: after the fuzzed text, a `netstat -s` block with
//     "N times the listen queue of a socket overflowed" reads as TcpExtListenOverflows = N
//     in the last snapshot, and an `ss -lnt` line reads as its Recv-Q and Send-Q.
#include <simdjson.h>

#include <cinttypes>
#include <string>

#include "analyzer/host/captures.h"
#include "analyzer/host/host_json_printer.h"
#include "analyzer/host/host_report.h"
#include "analyzer/host/host_text_printer.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

uint64_t TakeU64(FuzzInput* in, uint64_t limit) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | in->TakeByte();
  return v % limit;
}

void CheckParsed(const HostCapture& capture) {
  FUZZ_CHECK(capture.kinds != 0);
  for (const HostSnapshot& snapshot : capture.evidence.snapshots) FUZZ_CHECK(!snapshot.Empty());
  HostReport report = BuildHostReport(capture.evidence);
  FormatHostReportText(report, {.colour = true});
  // Without colour, the text report holds no control byte but '\n': a capture file cannot
  // drive the reader's terminal.
  for (char c : FormatHostReportText(report, {.colour = false}))
    FUZZ_CHECK(c == '\n' || static_cast<unsigned char>(c) >= 0x20);
  std::string json = FormatHostReportJson(capture.evidence, report);
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  FUZZ_CHECK(parser.parse(json).get(doc) == simdjson::SUCCESS);
}

void CheckPlantedNetstat(std::string_view fuzzed, uint64_t overflows) {
  std::string text(fuzzed);
  text += "\n2026-11-24T01:03:50Z\nTcpExt:\n    " + std::to_string(overflows) +
          " times the listen queue of a socket overflowed\n";
  Result<HostCapture> capture = ParseCapture(text);
  FUZZ_CHECK(capture.ok());
  CheckParsed(*capture);
  const HostSnapshot& last = capture->evidence.snapshots.back();
  auto it = last.counters.find("TcpExtListenOverflows");
  FUZZ_CHECK(it != last.counters.end());
  FUZZ_CHECK(static_cast<uint64_t>(it->second) == overflows);
}

void CheckPlantedSs(std::string_view fuzzed, uint32_t recv_q, uint32_t send_q) {
  std::string text(fuzzed);
  text +=
      "\n2026-11-24T01:03:50Z\nState  Recv-Q Send-Q Local Address:Port  Peer Address:Port\n"
      "LISTEN " +
      std::to_string(recv_q) + " " + std::to_string(send_q) + "  127.0.0.1:8080  0.0.0.0:*\n";
  Result<HostCapture> capture = ParseCapture(text);
  FUZZ_CHECK(capture.ok());
  CheckParsed(*capture);
  const HostSnapshot& last = capture->evidence.snapshots.back();
  FUZZ_CHECK(last.listeners.has_value() && !last.listeners->empty());
  const Listener& listener = last.listeners->back();
  FUZZ_CHECK(listener.port == 8080);
  FUZZ_CHECK(listener.recv_q == recv_q && listener.send_q == send_q);
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  fuzz::FuzzInput in(data, size);
  uint64_t overflows = fuzz::TakeU64(&in, uint64_t{INT64_MAX} + 1);
  uint32_t recv_q = static_cast<uint32_t>(fuzz::TakeU64(&in, uint64_t{1} << 32));
  uint32_t send_q = static_cast<uint32_t>(fuzz::TakeU64(&in, uint64_t{1} << 32));
  std::string_view text = in.Rest();

  uint32_t kinds = DetectCaptureKinds(text);
  FUZZ_CHECK(DetectCaptureKinds(text) == kinds);
  CaptureKindNames(kinds);
  Result<HostCapture> capture = ParseCapture(text);
  if (capture.ok()) fuzz::CheckParsed(*capture);
  fuzz::CheckPlantedNetstat(text, overflows);
  fuzz::CheckPlantedSs(text, recv_q, send_q);
  return 0;
}
