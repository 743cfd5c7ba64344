// Root causes read from host evidence, in the analyzer's vocabulary:
//
//   accept_queue_overflow  ListenOverflows/ListenDrops rising, a listener whose Recv-Q
//                          reached its Send-Q. The queue is min(backlog, somaxconn).
//   fd_exhaustion          a process near its descriptor limit, or the host near
//                          fs.file-max.
//   server_overload        resets sent or received at a high rate, many established
//                          connections.
//
// Confidence grows with independent evidence: a rising counter and a full listener seen
// together say more than either alone; a single snapshot (no delta) says little. The
// thresholds are constants in host_findings.cc and documented in docs/probe.md.
//
//   std::vector<HostFinding> findings = FindHostCauses(report);
#pragma once

#include <vector>

#include "analyzer/host/host_report.h"

namespace sockfilter {

// Findings for `report` (its findings field is ignored), most confident first.
std::vector<HostFinding> FindHostCauses(const HostReport& report);

}  // namespace sockfilter
