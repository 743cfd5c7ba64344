#include "analyzer/host/capture_text_parser.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "analyzer/host/capture_time.h"
#include "analyzer/host/kernel_counters.h"
#include "analyzer/host/netstat_sentences.h"
#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool IsRate(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  return true;
}

bool IsSsState(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kStates = {
      "LISTEN",    "ESTAB",      "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
      "TIME-WAIT", "CLOSE-WAIT", "LAST-ACK", "CLOSING",  "UNCONN",     "CLOSED"};
  for (std::string_view state : kStates) {
    if (s == state) return true;
  }
  return false;
}

uint16_t PortOf(std::string_view local) {
  size_t colon = local.rfind(':');
  std::optional<int64_t> port =
      colon == std::string_view::npos ? std::nullopt : ParseInt(local.substr(colon + 1));
  return port && *port > 0 && *port < 65536 ? static_cast<uint16_t>(*port) : 0;
}

// "    54 times the listen queue ..." -> "%u times the listen queue ...", 54.
bool SentenceTemplate(std::string_view line, std::string* out, int64_t* value) {
  std::vector<std::string_view> words = SplitFields(line);
  bool found = false;
  for (std::string_view word : words) {
    if (!out->empty()) *out += ' ';
    std::optional<int64_t> number = ParseInt(word);
    if (!found && number.value_or(-1) >= 0) {
      *out += "%u";
      *value = number.value_or(0);
      found = true;
    } else {
      *out += word;
    }
  }
  return found;
}

}  // namespace

bool CaptureTextParser::IsSsHeader(std::string_view line) {
  return line.find("Recv-Q") != std::string_view::npos &&
         line.find("Send-Q") != std::string_view::npos &&
         line.find("Local Address") != std::string_view::npos &&
         line.find("State") != std::string_view::npos;
}

std::optional<CaptureTextParser::SsRow> CaptureTextParser::ParseSsRow(
    const std::vector<std::string_view>& fields) {
  size_t i = 0;
  if (!fields.empty() && (fields[0] == "tcp" || fields[0] == "tcp6")) i = 1;
  if (fields.size() < i + 5 || !IsSsState(fields[i])) return std::nullopt;
  std::optional<int64_t> recv = ParseInt(fields[i + 1]), send = ParseInt(fields[i + 2]);
  if (!recv || !send || *recv < 0 || *send < 0) return std::nullopt;
  std::string_view local = fields[i + 3];
  if (local.find(':') == std::string_view::npos) return std::nullopt;
  // ss prints addresses in printable ASCII; anything else is not an ss row, and must never
  // reach a report, where a control byte could drive the reader's terminal.
  for (char c : local)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return std::nullopt;
  return SsRow{fields[i], fields[i + 3], static_cast<uint32_t>(*recv),
               static_cast<uint32_t>(*send)};
}

bool CaptureTextParser::IsNstatRow(const std::vector<std::string_view>& fields) {
  // nstat names start with their MIB ("TcpExt", "Ip6", ...); checking it keeps a log line
  // such as "took 12 0.5" out.
  static constexpr std::array<std::string_view, 6> kMibs = {"Ip",  "Icmp",  "Tcp",
                                                            "Udp", "MPTcp", "Sctp"};
  if (fields.size() != 3 || !IsIdentifier(fields[0]) || !ParseInt(fields[1]) ||
      !IsRate(fields[2])) {
    return false;
  }
  return std::any_of(kMibs.begin(), kMibs.end(),
                     [&](std::string_view mib) { return StartsWith(fields[0], mib); });
}

void CaptureTextParser::NextSnapshot() {
  if (!current_.Empty()) {
    capture_.evidence.snapshots.push_back(std::move(current_));
    snapshot_kinds_.push_back(current_kinds_);
  }
  current_ = HostSnapshot();
  blocks_.clear();
  current_kinds_ = 0;
}

void CaptureTextParser::EnterBlock(const std::string& block) {
  if (blocks_.count(block)) NextSnapshot();
  blocks_.insert(block);
}

void CaptureTextParser::Line(std::string_view line) {
  std::vector<std::string_view> fields = SplitFields(line);
  if (fields.empty()) return;
  if (std::optional<double> time = ParseTimestampLine(line)) {
    if (!current_.Empty() || current_.unix_time) NextSnapshot();
    current_.unix_time = time;
    current_.time_text = std::string(Trim(line));
    in_netstat_section_ = false;
    return;
  }
  if (ProcHeaderOrValues(line, fields)) return;
  if (line == "#kernel") {
    EnterBlock("nstat");
    return;
  }
  if (IsNstatRow(fields)) return NstatRow(fields);
  if (IsSsHeader(line)) {
    EnterBlock("ss");
    in_netstat_section_ = false;
    return;
  }
  if (std::optional<SsRow> row = ParseSsRow(fields)) return SsRowLine(*row);
  NetstatSectionLine(line);
}

bool CaptureTextParser::ProcHeaderOrValues(std::string_view line,
                                           const std::vector<std::string_view>& fields) {
  // "TcpExt: SyncookiesSent ..." (names) or "TcpExt: 0 0 ..." (values); the netstat -s
  // section heading "TcpExt:" has nothing after the colon.
  if (fields.size() < 2 || fields[0].size() < 2 || fields[0].back() != ':' ||
      !IsIdentifier(fields[0].substr(0, fields[0].size() - 1)) || IsSpace(line[0])) {
    return false;
  }
  bool values = ParseInt(fields[1]).has_value();
  if (!values) {
    proc_header_ = std::string(line);
    return true;
  }
  if (proc_header_.empty() || !StartsWith(proc_header_, fields[0])) return false;
  EnterBlock("proc " + std::string(fields[0]));
  CounterMap counters;
  if (ParseProcNetStat(proc_header_ + "\n" + std::string(line), &counters).ok()) {
    current_kinds_ |= kProcNetstat;
    current_.counters.insert(counters.begin(), counters.end());
  }
  proc_header_.clear();
  return true;
}

bool CaptureTextParser::NetstatSectionLine(std::string_view line) {
  std::string_view trimmed = Trim(line);
  if (!IsSpace(line[0])) {
    // A section heading is a bare "Name:" at the start of the line.
    in_netstat_section_ = trimmed.size() > 1 && trimmed.back() == ':' &&
                          IsIdentifier(trimmed.substr(0, trimmed.size() - 1));
    if (in_netstat_section_) {
      netstat_section_ = std::string(trimmed.substr(0, trimmed.size() - 1));
      EnterBlock("netstat-s " + netstat_section_);
    }
    return in_netstat_section_;
  }
  if (!in_netstat_section_) return false;
  std::string sentence;
  int64_t value = 0;
  if (!SentenceTemplate(trimmed, &sentence, &value)) return false;
  std::optional<std::string> name = CounterForSentence(netstat_section_, sentence);
  // Counters without a sentence come out as "Name: 54".
  std::vector<std::string_view> parts = SplitFields(trimmed);
  if (!name && parts.size() == 2 && parts[0].back() == ':' &&
      IsIdentifier(parts[0].substr(0, parts[0].size() - 1))) {
    name = netstat_section_ + std::string(parts[0].substr(0, parts[0].size() - 1));
  }
  if (!name) return false;
  current_.counters[*name] = value;
  current_kinds_ |= kNetstatS;
  return true;
}

void CaptureTextParser::SsRowLine(const SsRow& row) {
  current_kinds_ |= kSsListen;
  in_netstat_section_ = false;
  if (row.state == "LISTEN") {
    // Without headers or timestamps, a listener seen twice starts the next snapshot.
    if (current_.listeners &&
        std::any_of(current_.listeners->begin(), current_.listeners->end(),
                    [&](const Listener& l) { return l.local == row.local; })) {
      NextSnapshot();
    }
    if (!current_.listeners) current_.listeners.emplace();
    current_.listeners->push_back(
        {std::string(row.local), PortOf(row.local), row.recv_q, row.send_q});
  }
  if (!current_.states) current_.states.emplace();
  ++(*current_.states)[std::string(row.state)];
}

void CaptureTextParser::NstatRow(const std::vector<std::string_view>& fields) {
  std::string name(fields[0]);
  // A repeated name without a "#kernel" header or timestamp starts the next snapshot.
  if ((current_kinds_ & kNstat) && current_.counters.count(name)) NextSnapshot();
  blocks_.insert("nstat");
  current_.counters[name] = *ParseInt(fields[1]);
  current_kinds_ |= kNstat;
  in_netstat_section_ = false;
}

void CaptureTextParser::MarkIncrements() {
  // Plain `nstat` prints increments since its last run; totals never go down, so a
  // counter that does marks the nstat series as increments.
  std::vector<HostSnapshot>& snaps = capture_.evidence.snapshots;
  bool increments = false;
  const HostSnapshot* previous = nullptr;
  for (size_t i = 0; i < snaps.size(); ++i) {
    if (!(snapshot_kinds_[i] & kNstat)) continue;
    for (const auto& [name, value] : snaps[i].counters) {
      if (!previous || IsGaugeCounter(name)) continue;
      auto before = previous->counters.find(name);
      if (before != previous->counters.end() && value < before->second) increments = true;
    }
    previous = &snaps[i];
  }
  for (size_t i = 0; i < snaps.size(); ++i) {
    if (snapshot_kinds_[i] & kNstat) snaps[i].counters_are_increments = increments;
  }
}

void CaptureTextParser::FillOmittedZeros() {
  // `netstat -s` leaves out TcpExt counters that are zero, and so does nstat without -z.
  // A counter such a source printed in one snapshot and not in another was zero there;
  // so were the long-standing counters below, which every kernel keeps.
  static constexpr std::array<std::string_view, 7> kAlwaysThere = {
      "TcpExtListenOverflows", "TcpExtListenDrops",       "TcpExtTCPAbortOnData",
      "TcpExtTCPAbortOnClose", "TcpExtTCPAbortOnTimeout", "TcpExtTCPAbortOnLinger",
      "TcpExtTCPTimeouts"};
  constexpr uint32_t kOmitsZeros = kNetstatS | kNstat;
  std::vector<HostSnapshot>& snaps = capture_.evidence.snapshots;
  auto has_tcp_ext = [&](size_t i) {
    if (!(snapshot_kinds_[i] & kOmitsZeros)) return false;
    auto it = snaps[i].counters.lower_bound("TcpExt");
    return it != snaps[i].counters.end() && StartsWith(it->first, "TcpExt");
  };
  std::set<std::string> names(kAlwaysThere.begin(), kAlwaysThere.end());
  for (size_t i = 0; i < snaps.size(); ++i) {
    if (!has_tcp_ext(i)) continue;
    for (const auto& [name, value] : snaps[i].counters) {
      if (StartsWith(name, "TcpExt")) names.insert(name);
    }
  }
  for (size_t i = 0; i < snaps.size(); ++i) {
    if (!has_tcp_ext(i)) continue;
    for (const std::string& name : names) snaps[i].counters.emplace(name, 0);
  }
}

HostCapture CaptureTextParser::Finish() {
  NextSnapshot();
  for (uint32_t kinds : snapshot_kinds_) capture_.kinds |= kinds;
  FillOmittedZeros();
  MarkIncrements();
  return std::move(capture_);
}

}  // namespace sockfilter
