// The kernel's TCP counters: /proc/net/netstat (TcpExt) and /proc/net/snmp (Tcp).
//
// Both files hold pairs of lines, a header of names and a line of values with the same
// prefix ("TcpExt: SyncookiesSent ..." then "TcpExt: 0 ..."). Each value is stored under
// prefix + name, the names `nstat` prints: "TcpExtListenOverflows", "TcpEstabResets".
//
//   CounterMap counters;
//   Status s = ParseProcNetStat(text, &counters);
//   for (std::string_view name : TrackedCounters()) ...
#pragma once

#include <string_view>
#include <vector>

#include "analyzer/host/host_snapshot.h"
#include "analyzer/status.h"

namespace sockfilter {

// Adds every name/value pair of `text` (netstat or snmp format) to `counters`. Fails on
// a header without its value line or a count mismatch; pairs before the fault are kept.
Status ParseProcNetStat(std::string_view text, CounterMap* counters);

// Reads /proc/net/netstat and /proc/net/snmp; a file that cannot be read or parsed is
// added to `unreadable` and the other one still counts.
CounterMap ReadKernelCounters(std::vector<Unreadable>* unreadable);

// The counters the probe reports on, in report order. TCPSynRetrans is absent on old
// kernels; a missing counter is simply left out.
const std::vector<std::string_view>& TrackedCounters();

// True for counters that are levels, not running totals (TcpCurrEstab).
bool IsGaugeCounter(std::string_view name);

}  // namespace sockfilter
