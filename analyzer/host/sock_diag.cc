#include "analyzer/host/sock_diag.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "analyzer/host/proc_files.h"

namespace sockfilter {

namespace {

// Closes the netlink socket on every path out.
class NetlinkSocket {
 public:
  NetlinkSocket() : fd_(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {}
  ~NetlinkSocket() {
    if (fd_ >= 0) close(fd_);
  }
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string FormatAddress(const inet_diag_msg& msg) {
  char text[INET6_ADDRSTRLEN] = "?";
  inet_ntop(msg.idiag_family, msg.id.idiag_src, text, sizeof text);
  bool v6 = msg.idiag_family == AF_INET6;
  std::string address = v6 ? "[" : "";
  address += text;
  address += v6 ? "]:" : ":";
  address += std::to_string(ntohs(msg.id.idiag_sport));
  return address;
}

Status SendDumpRequest(int fd, uint8_t family) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message = {};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.header.nlmsg_seq = family;
  message.request.sdiag_family = family;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0u;  // every state, request sockets (SYN-RECV) included
  sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
      0) {
    return Status::Error("sock_diag request: " + ErrnoWords(errno));
  }
  return Status::Ok();
}

void AddSocket(const inet_diag_msg& msg, const std::vector<uint16_t>& ports,
               TcpSocketTable* table) {
  uint16_t port = ntohs(msg.id.idiag_sport);
  if (!ports.empty() && std::find(ports.begin(), ports.end(), port) == ports.end()) return;
  ++table->states[TcpStateName(msg.idiag_state)];
  if (msg.idiag_state != TCP_LISTEN) return;
  table->listeners.push_back({FormatAddress(msg), port, msg.idiag_rqueue, msg.idiag_wqueue});
}

// Reads the dump's replies until NLMSG_DONE. Returns false when done.
Result<bool> ReadReplies(int fd, const std::vector<uint16_t>& ports, TcpSocketTable* table) {
  alignas(nlmsghdr) char buffer[32768];
  ssize_t length = recv(fd, buffer, sizeof buffer, 0);
  if (length < 0 && errno == EINTR) return true;
  if (length < 0) return Status::Error("sock_diag reply: " + ErrnoWords(errno));
  if (length == 0) return false;
  int remaining = static_cast<int>(length);
  for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, remaining);
       header = NLMSG_NEXT(header, remaining)) {
    if (header->nlmsg_type == NLMSG_DONE) return false;
    if (header->nlmsg_type == NLMSG_ERROR) {
      auto* error = static_cast<nlmsgerr*>(NLMSG_DATA(header));
      return Status::Error("sock_diag: " + ErrnoWords(-error->error));
    }
    if (header->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
    AddSocket(*static_cast<inet_diag_msg*>(NLMSG_DATA(header)), ports, table);
  }
  return true;
}

Status DumpFamily(uint8_t family, const std::vector<uint16_t>& ports, TcpSocketTable* table) {
  NetlinkSocket netlink;
  if (netlink.fd() < 0) return Status::Error("sock_diag socket: " + ErrnoWords(errno));
  Status sent = SendDumpRequest(netlink.fd(), family);
  if (!sent.ok()) return sent;
  for (;;) {
    Result<bool> more = ReadReplies(netlink.fd(), ports, table);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
  }
}

}  // namespace

const char* TcpStateName(int state) {
  static const char* const kNames[] = {"UNKNOWN",    "ESTAB",      "SYN-SENT",  "SYN-RECV",
                                       "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
                                       "CLOSE-WAIT", "LAST-ACK",   "LISTEN",    "CLOSING",
                                       "SYN-RECV"};  // 12: TCP_NEW_SYN_RECV, a request socket
  if (state < 0 || state >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[state];
}

Result<TcpSocketTable> ReadTcpSockets(const std::vector<uint16_t>& ports) {
  TcpSocketTable table;
  for (uint8_t family : {AF_INET, AF_INET6}) {
    Status status = DumpFamily(family, ports, &table);
    // A kernel built without IPv6 answers the AF_INET6 dump with an error; IPv4 alone is
    // still a complete answer for that host.
    if (!status.ok() && family == AF_INET) return status;
    if (!status.ok()) table.unreadable.push_back({"IPv6 TCP sockets", status.message()});
  }
  std::sort(table.listeners.begin(), table.listeners.end(),
            [](const Listener& a, const Listener& b) {
              return a.port != b.port ? a.port < b.port : a.local < b.local;
            });
  return table;
}

}  // namespace sockfilter
