#include "analyzer/event_traits.h"

#include <algorithm>

namespace sockfilter {

namespace {

template <size_t N>
bool ContainsAny(std::string_view text, const std::string_view (&needles)[N]) {
  for (std::string_view n : needles)
    if (text.find(n) != std::string_view::npos) return true;
  return false;
}

// Said of the call that failed. The first line names it more often than the stack trace,
// whose frames mention both reads and writes, so it is asked first.
constexpr std::string_view kWriteWords[] = {
    "Broken pipe", "broken pipe", "EPIPE",  "write", "Write",         "send(",          "sendfile",
    "sendmsg",     "SendBuf",     "writev", "flush", "while sending", "Failed to write"};
constexpr std::string_view kReadWords[] = {"read", "Read", "recv", "Recv", "while reading"};
// An HTTP response on its way to a client (servlet containers, nginx, Node, Python).
constexpr std::string_view kHttpResponseWords[] = {"ClientAbortException",
                                                   "client prematurely closed",
                                                   "while sending to client",
                                                   "sending response",
                                                   "write response",
                                                   "Failed to write response",
                                                   "HttpServletResponse",
                                                   "ServerResponse",
                                                   "EofException",
                                                   "wsgi",
                                                   "response body",
                                                   "writing response",
                                                   "response to "};

std::string_view StripDigitsSuffix(std::string_view s) {
  // "nio-8080-exec-12" -> "nio-8080-exec", "ForkPoolWorker-6" -> "ForkPoolWorker"
  size_t end = s.size();
  while (end > 0 && s[end - 1] >= '0' && s[end - 1] <= '9') --end;
  if (end < s.size() && end > 0 && (s[end - 1] == '-' || s[end - 1] == '_')) --end;
  return end > 0 ? s.substr(0, end) : s;
}

std::string_view JsonStringField(std::string_view line, std::string_view key) {
  size_t at = line.find(key);
  if (at == std::string_view::npos) return {};
  size_t begin = at + key.size();
  size_t end = line.find('"', begin);
  return end == std::string_view::npos ? std::string_view() : line.substr(begin, end - begin);
}

std::string_view JsonComponent(std::string_view line) {
  for (std::string_view key :
       {"\"logger_name\":\"", "\"logger\":\"", "\"service\":\"", "\"caller\":\"", "\"name\":\""}) {
    std::string_view v = JsonStringField(line, key);
    if (!v.empty()) return v.substr(0, v.find(':'));
  }
  std::string_view host = JsonStringField(line, "\"hostname\":\"");
  return StripDigitsSuffix(host);
}

// Spring Boot: "... --- [thread] logger.Name   : message"
std::string_view SpringLogger(std::string_view line) {
  size_t dashes = line.find(" --- [");
  if (dashes == std::string_view::npos) return {};
  size_t close = line.find("] ", dashes);
  if (close == std::string_view::npos) return {};
  std::string_view rest = line.substr(close + 2);
  size_t end = rest.find(" :");
  if (end == std::string_view::npos) return {};
  rest = rest.substr(0, end);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}

// "[thread:Class@123]" (log4j with %t:%C{1}@%L) or "[logger.name]" or "[...: LEVEL/Pool-3]".
std::string_view BracketComponent(std::string_view line) {
  size_t open = line.find('[');
  while (open != std::string_view::npos && open < 160) {
    size_t close = line.find(']', open);
    if (close == std::string_view::npos) return {};
    std::string_view inside = line.substr(open + 1, close - open - 1);
    size_t at = inside.rfind('@');
    size_t colon = inside.rfind(':', at);
    if (at != std::string_view::npos && colon != std::string_view::npos)
      return inside.substr(colon + 1, at - colon - 1);
    size_t slash = inside.rfind('/');
    if (slash != std::string_view::npos && inside.find(": ") != std::string_view::npos)
      return StripDigitsSuffix(inside.substr(slash + 1));
    bool dotted = inside.find('.') != std::string_view::npos &&
                  inside.find(' ') == std::string_view::npos && !inside.empty() &&
                  !(inside[0] >= '0' && inside[0] <= '9');
    if (dotted) return inside;
    open = line.find('[', close);
  }
  return {};
}

// RFC 3164 syslog: "Mar 11 03:13:50 host prog[pid]: ..." or "... host kernel: ...".
std::string_view SyslogProgram(std::string_view line) {
  if (line.size() < 16 || line[3] != ' ' || line[9] != ':' || line[12] != ':') return {};
  size_t host_end = line.find(' ', 16);
  if (host_end == std::string_view::npos) return {};
  size_t prog_begin = host_end + 1;
  size_t colon = line.find(':', prog_begin);
  if (colon == std::string_view::npos) return {};
  std::string_view prog = line.substr(prog_begin, colon - prog_begin);
  return prog.substr(0, prog.find('['));
}

}  // namespace

CallTraits DescribeCall(std::string_view text) {
  text = text.substr(0, kTraitScanBytes);
  std::string_view first = text.substr(0, text.find('\n'));
  CallTraits traits;
  traits.write = ContainsAny(first, kWriteWords);
  traits.read = !traits.write && ContainsAny(first, kReadWords);
  if (!traits.write && !traits.read) {
    traits.write = ContainsAny(text, kWriteWords);
    traits.read = !traits.write && ContainsAny(text, kReadWords);
  }
  traits.http_response = ContainsAny(text, kHttpResponseWords);
  return traits;
}

std::string_view ComponentOf(std::string_view line) {
  line = line.substr(0, 512);
  if (!line.empty() && line[0] == '{') return JsonComponent(line);
  if (std::string_view v = SpringLogger(line); !v.empty()) return v;
  if (line.find("] ") != std::string_view::npos && line.find('#') != std::string_view::npos &&
      line.find(": *") != std::string_view::npos)
    return "nginx";
  if (std::string_view v = SyslogProgram(line); !v.empty()) return v;
  size_t caller = line.find("caller=");
  if (caller != std::string_view::npos) {
    std::string_view v = line.substr(caller + 7);
    return v.substr(0, std::min(v.find(':'), v.find(' ')));
  }
  if (std::string_view v = BracketComponent(line); !v.empty()) return v;
  // Python logging.basicConfig: "ERROR:logger.name:message"
  for (std::string_view level : {"ERROR:", "WARNING:", "CRITICAL:", "INFO:"}) {
    if (line.substr(0, level.size()) != level) continue;
    std::string_view rest = line.substr(level.size());
    return rest.substr(0, rest.find(':'));
  }
  return {};
}

std::string_view PeerHost(std::string_view peer) {
  if (!peer.empty() && peer[0] == '[') {
    size_t close = peer.find(']');
    return close == std::string_view::npos ? peer : peer.substr(1, close - 1);
  }
  size_t colon = peer.find(':');
  if (colon == std::string_view::npos || peer.find(':', colon + 1) != std::string_view::npos)
    return peer;
  return peer.substr(0, colon);
}

}  // namespace sockfilter
