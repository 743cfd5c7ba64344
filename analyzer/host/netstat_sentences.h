// The sentences `netstat -s` (net-tools) prints for the Tcp and TcpExt counters, mapped
// back to the counters' nstat names.
//
// netstat -s turns "TcpExt: ... ListenOverflows ..." into "    54 times the listen queue
// of a socket overflowed"; counters it has no sentence for come out as "    Name: 54". A
// line's template is the line with its number replaced by "%u" and its indent removed.
//
//   std::optional<std::string> name = CounterForSentence("TcpExt", "%u SYNs to LISTEN ...");
//   // "TcpExtListenDrops"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sockfilter {

std::optional<std::string> CounterForSentence(std::string_view section,
                                              std::string_view sentence_template);

}  // namespace sockfilter
