// The machine-readable form of a probe: schema "sockfilter.probe.v1", documented in
// docs/probe.md. It carries every snapshot in full, so `analyze` (through ParseCapture)
// rebuilds the same HostEvidence and the same findings from the saved file.
//
//   std::string json = FormatHostReportJson(evidence, BuildHostReport(evidence));
#pragma once

#include <string>

#include "analyzer/host/host_report.h"

namespace sockfilter {

inline constexpr const char* kProbeSchema = "sockfilter.probe.v1";

// One JSON object, pretty-printed with two-space indents, ending with a newline.
std::string FormatHostReportJson(const HostEvidence& evidence, const HostReport& report);

}  // namespace sockfilter
