#include "analyzer/host/kernel_counters.h"

#include <string>

#include "analyzer/host/proc_files.h"
#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace {

// "TcpExt: a b c" -> prefix "TcpExt", fields {a, b, c}.
bool SplitPrefixed(std::string_view line, std::string_view* prefix,
                   std::vector<std::string_view>* fields) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  *prefix = line.substr(0, colon);
  *fields = SplitFields(line.substr(colon + 1));
  return true;
}

Status AddPair(std::string_view header, std::string_view values, CounterMap* counters) {
  std::string_view name_prefix, value_prefix;
  std::vector<std::string_view> names, numbers;
  if (!SplitPrefixed(header, &name_prefix, &names) ||
      !SplitPrefixed(values, &value_prefix, &numbers) || name_prefix != value_prefix) {
    return Status::Error("a header line is not followed by its values");
  }
  if (names.size() != numbers.size()) {
    return Status::Error(std::string(name_prefix) + ": " + std::to_string(names.size()) +
                         " names but " + std::to_string(numbers.size()) + " values");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    std::optional<int64_t> value = ParseInt(numbers[i]);
    if (!value)
      return Status::Error(std::string(name_prefix) + ": bad value for " + std::string(names[i]));
    (*counters)[std::string(name_prefix) + std::string(names[i])] = *value;
  }
  return Status::Ok();
}

}  // namespace

Status ParseProcNetStat(std::string_view text, CounterMap* counters) {
  std::vector<std::string_view> lines;
  for (std::string_view line : SplitLines(text)) {
    if (!Trim(line).empty()) lines.push_back(line);
  }
  for (size_t i = 0; i < lines.size(); i += 2) {
    if (i + 1 == lines.size()) return Status::Error("a header line has no values");
    Status status = AddPair(lines[i], lines[i + 1], counters);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

CounterMap ReadKernelCounters(std::vector<Unreadable>* unreadable) {
  CounterMap counters;
  for (const char* path : {"/proc/net/netstat", "/proc/net/snmp"}) {
    Result<std::string> text = ReadProcFile(path);
    Status status = text.ok() ? ParseProcNetStat(*text, &counters) : text.status();
    if (!status.ok()) unreadable->push_back({path, status.message()});
  }
  return counters;
}

const std::vector<std::string_view>& TrackedCounters() {
  static const std::vector<std::string_view> kTracked = {
      "TcpExtListenOverflows",   "TcpExtListenDrops",
      "TcpExtTCPAbortOnData",    "TcpExtTCPAbortOnClose",
      "TcpExtTCPAbortOnTimeout", "TcpExtTCPAbortOnLinger",
      "TcpExtTCPTimeouts",       "TcpExtTCPSynRetrans",
      "TcpEstabResets",          "TcpOutRsts",
      "TcpAttemptFails",         "TcpCurrEstab",
      "TcpPassiveOpens",         "TcpActiveOpens",
  };
  return kTracked;
}

bool IsGaugeCounter(std::string_view name) { return name == "TcpCurrEstab"; }

}  // namespace sockfilter
