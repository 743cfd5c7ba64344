#include "analyzer/host/host_report.h"

#include <algorithm>

#include "analyzer/host/host_findings.h"
#include "analyzer/host/kernel_counters.h"

namespace sockfilter {

namespace {

std::optional<double> Span(const HostSnapshot& first, const HostSnapshot& last) {
  if (!first.unix_time || !last.unix_time || *last.unix_time <= *first.unix_time) {
    return std::nullopt;
  }
  return *last.unix_time - *first.unix_time;
}

// Increments (plain nstat) add up after the first reading; totals are differenced.
std::optional<CounterChange> Change(const std::vector<HostSnapshot>& snaps, std::string_view name,
                                    std::optional<double> seconds) {
  std::vector<const HostSnapshot*> with;
  for (const HostSnapshot& s : snaps) {
    if (s.counters.count(std::string(name))) with.push_back(&s);
  }
  if (with.empty()) return std::nullopt;
  CounterChange change;
  change.name = std::string(name);
  change.first = with.front()->counters.at(change.name);
  change.last = with.back()->counters.at(change.name);
  if (with.front()->counters_are_increments && !IsGaugeCounter(name)) {
    int64_t sum = 0;
    for (size_t i = with.size() == 1 ? 0 : 1; i < with.size(); ++i)
      sum += with[i]->counters.at(change.name);
    change.delta = sum;
  } else if (with.size() > 1 && (change.last >= change.first || IsGaugeCounter(name))) {
    change.delta = change.last - change.first;
  }
  // A level (connections established now) has a change but no meaningful rate.
  if (change.delta && seconds && with.size() > 1 && !IsGaugeCounter(name)) {
    change.rate = *change.delta / *seconds;
  }
  return change;
}

std::optional<std::vector<ListenerState>> Listeners(const std::vector<HostSnapshot>& snaps) {
  std::optional<std::vector<ListenerState>> states;
  for (const HostSnapshot& snap : snaps) {
    if (!snap.listeners) continue;
    std::vector<ListenerState> next;
    for (const Listener& l : *snap.listeners) {
      ListenerState state{l, l.recv_q, l.Full()};
      if (states) {
        for (const ListenerState& before : *states) {
          if (before.last.local != l.local) continue;
          state.peak_recv_q = std::max(state.peak_recv_q, before.peak_recv_q);
          state.full = state.full || before.full;
        }
      }
      next.push_back(state);
    }
    states = std::move(next);
  }
  return states;
}

}  // namespace

const CounterChange* HostReport::Counter(std::string_view name) const {
  for (const CounterChange& c : counters) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

HostReport BuildHostReport(const HostEvidence& evidence) {
  HostReport report;
  const std::vector<HostSnapshot>& snaps = evidence.snapshots;
  report.snapshot_count = snaps.size();
  report.settings = evidence.settings;
  report.unreadable = evidence.unreadable;
  if (snaps.empty()) return report;
  report.seconds = Span(snaps.front(), snaps.back());
  report.first_time = snaps.front().time_text;
  report.last_time = snaps.back().time_text;
  for (std::string_view name : TrackedCounters()) {
    if (auto change = Change(snaps, name, report.seconds)) report.counters.push_back(*change);
  }
  report.listeners = Listeners(snaps);
  for (const HostSnapshot& snap : snaps) {
    if (snap.states) report.states = snap.states;
    if (!snap.process) continue;
    if (!report.process_open_first) report.process_open_first = snap.process->open;
    report.process = snap.process;
  }
  report.findings = FindHostCauses(report);
  return report;
}

}  // namespace sockfilter
