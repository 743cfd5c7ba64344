// Reads `sockfilter probe --format json` output (schema sockfilter.probe.v1, see
// docs/probe.md) back into HostEvidence: the snapshots, settings and unreadable list.
// Several documents one after another (probe run in a loop, appended to one file) add
// up to one series. The only place the host code touches simdjson.
//
//   Result<HostEvidence> evidence = ReadProbeJson(text);
#pragma once

#include <string_view>

#include "analyzer/host/host_snapshot.h"
#include "analyzer/status.h"

namespace sockfilter {

// True when `head` starts (after white space) with a JSON object naming the probe schema.
bool LooksLikeProbeJson(std::string_view head);

Result<HostEvidence> ReadProbeJson(std::string_view text);

}  // namespace sockfilter
