// TCP sockets through the kernel's sock_diag netlink interface (NETLINK_SOCK_DIAG,
// inet_diag), the way `ss` reads them, for IPv4 and IPv6.
//
// For a LISTEN socket the kernel reports idiag_rqueue = connections waiting in the accept
// queue and idiag_wqueue = the queue's maximum (already min(backlog, somaxconn)): the
// Recv-Q and Send-Q columns of `ss -lnt`. Every other socket is only counted by state.
// An ordinary user may read all of this; nothing here needs privileges.
//
//   Result<TcpSocketTable> table = ReadTcpSockets({8080});  // {} = every port
//   for (const Listener& l : table->listeners) ...
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analyzer/host/host_snapshot.h"
#include "analyzer/status.h"

namespace sockfilter {

struct TcpSocketTable {
  std::vector<Listener> listeners;        // sorted by port, then address
  std::map<std::string, int64_t> states;  // "ESTAB" -> count, LISTEN included
  std::vector<Unreadable> unreadable;     // e.g. the IPv6 dump on a kernel without IPv6
};

// Reads every TCP socket in this network namespace. With `ports` non-empty, only
// sockets whose local port is one of them are listed and counted.
Result<TcpSocketTable> ReadTcpSockets(const std::vector<uint16_t>& ports);

// The name `ss` uses for a kernel TCP state number (1 = "ESTAB"), or "UNKNOWN".
const char* TcpStateName(int state);

}  // namespace sockfilter
