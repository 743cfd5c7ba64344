// The line-by-line parser behind ParseCapture() for the text kinds: /proc/net/netstat,
// `netstat -s`, `nstat` and `ss` output, mixed and repeated, with or without timestamp
// lines. See captures.h for what is recognised and how snapshots are split.
//
//   CaptureTextParser parser;
//   for (std::string_view line : SplitLines(text)) parser.Line(line);
//   HostCapture capture = parser.Finish();
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "analyzer/host/captures.h"

namespace sockfilter {

class CaptureTextParser {
 public:
  void Line(std::string_view line);
  HostCapture Finish();

  // One ss row ("LISTEN 0 128 0.0.0.0:22 0.0.0.0:*", Netid column allowed): true and
  // the row's parts when `fields` is one.
  struct SsRow {
    std::string_view state, local;
    uint32_t recv_q = 0, send_q = 0;
  };
  static std::optional<SsRow> ParseSsRow(const std::vector<std::string_view>& fields);
  static bool IsNstatRow(const std::vector<std::string_view>& fields);
  static bool IsSsHeader(std::string_view line);

 private:
  // Ends the current snapshot (if it holds anything) and starts a new one.
  void NextSnapshot();
  // Starts a new snapshot when `block` was already seen in the current one.
  void EnterBlock(const std::string& block);
  bool ProcHeaderOrValues(std::string_view line, const std::vector<std::string_view>& fields);
  bool NetstatSectionLine(std::string_view line);
  void SsRowLine(const SsRow& row);
  void NstatRow(const std::vector<std::string_view>& fields);
  void MarkIncrements();
  void FillOmittedZeros();

  HostCapture capture_;
  HostSnapshot current_;
  std::set<std::string> blocks_;  // blocks seen in the current snapshot
  bool in_netstat_section_ = false;
  std::string netstat_section_;           // "Tcp", "TcpExt", ...
  std::string proc_header_;               // a /proc/net/netstat name line waiting for its values
  std::vector<uint32_t> snapshot_kinds_;  // CaptureKind bits of each pushed snapshot
  uint32_t current_kinds_ = 0;
};

}  // namespace sockfilter
