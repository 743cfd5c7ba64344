// Saved host evidence as analyzer input: detection and parsing of captures.
//
// Recognised, alone or mixed in one file, repeated any number of times:
//   kProcNetstat  `cat /proc/net/netstat /proc/net/snmp` (name line, value line)
//   kNetstatS     `netstat -s` ("    54 times the listen queue of a socket overflowed")
//   kNstat        `nstat`, `nstat -az` ("TcpExtListenOverflows   54   0.0")
//   kSsListen     `ss -lnt` / `ss -tan` (State Recv-Q Send-Q Local Address:Port ...)
//   kProbeJson    `sockfilter probe --format json` (one or more documents)
// Snapshots are split at timestamp lines (`date`, `date -R`, `date +%s`, ISO 8601, also
// decorated as "=== 2025-03-04T10:15:01Z ===") and, without them, where a block repeats
// (a second "Tcp:" section, "#kernel" header or ss header). Lines that belong to none
// (shell prompts, comments) are skipped.
//
// Counters are named as nstat names them, whatever the source. Plain `nstat` prints
// increments since its previous run, not totals; when a counter goes down between two
// nstat snapshots the series is read as increments (HostSnapshot::counters_are_increments).
//
//   if (uint32_t kinds = DetectCaptureKinds(first_64k)) {
//     Result<HostCapture> capture = ParseCapture(whole_text);
//     HostReport report = BuildHostReport(capture->evidence);  // findings, deltas
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/host/host_snapshot.h"
#include "analyzer/status.h"

namespace sockfilter {

enum CaptureKind : uint32_t {
  kProcNetstat = 1u << 0,
  kNetstatS = 1u << 1,
  kNstat = 1u << 2,
  kSsListen = 1u << 3,
  kProbeJson = 1u << 4,
};

// Which kinds of capture `head` (the first few KiB of a file are enough) contains, as
// CaptureKind bits; 0 for anything else, a log file in particular.
uint32_t DetectCaptureKinds(std::string_view head);

// "netstat -s, ss -lnt" for a set of kinds.
std::string CaptureKindNames(uint32_t kinds);

struct HostCapture {
  uint32_t kinds = 0;     // what was found while parsing
  HostEvidence evidence;  // snapshots oldest first
};

// Parses a whole capture. Fails when nothing in `text` is host evidence, or on a probe
// JSON document that does not parse.
Result<HostCapture> ParseCapture(std::string_view text);

}  // namespace sockfilter
