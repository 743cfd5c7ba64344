#include "analyzer/host/host_json_printer.h"

#include <cstdio>

#include "analyzer/host/text_fields.h"
#include "analyzer/json_writer.h"

namespace sockfilter {

namespace {

// Counter names and times come from capture files, which may hold any bytes: JsonWriter's
// escaping turns control bytes and invalid UTF-8 into valid JSON.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  JsonWriter::Escape(s, &out);
  return out + "\"";
}

std::string Number(double v, int digits) { return FormatFixed(v, digits); }
std::string Number(int64_t v) { return std::to_string(v); }
std::string OptNumber(const std::optional<int64_t>& v) { return v ? Number(*v) : "null"; }

// Joins `items` as a JSON array or object body at `indent`.
std::string Block(char open, const std::vector<std::string>& items, const std::string& indent) {
  char close = open == '[' ? ']' : '}';
  if (items.empty()) return std::string{open, close};
  std::string out(1, open);
  for (size_t i = 0; i < items.size(); ++i) {
    out += "\n" + indent + "  " + items[i] + (i + 1 < items.size() ? "," : "");
  }
  return out + "\n" + indent + close;
}

std::string CounterObject(const CounterMap& counters, const std::string& indent) {
  std::vector<std::string> items;
  for (const auto& [name, value] : counters) items.push_back(Quote(name) + ": " + Number(value));
  return Block('{', items, indent);
}

std::string ListenerObject(const Listener& l, const std::string& extra) {
  return "{\"local\": " + Quote(l.local) + ", \"port\": " + Number(int64_t{l.port}) +
         ", \"recv_q\": " + Number(int64_t{l.recv_q}) +
         ", \"send_q\": " + Number(int64_t{l.send_q}) + extra + "}";
}

std::string ProcessObject(const ProcessFds& p) {
  return "{\"pid\": " + Number(int64_t{p.pid}) + ", \"name\": " + Quote(p.name) +
         ", \"open_fds\": " + OptNumber(p.open) + ", \"soft_limit\": " + OptNumber(p.soft_limit) +
         ", \"hard_limit\": " + OptNumber(p.hard_limit) + "}";
}

std::string SnapshotObject(const HostSnapshot& s, const std::string& indent) {
  std::string inner = indent + "  ";
  std::vector<std::string> fields = {
      "\"time\": " + Quote(s.time_text),
      "\"unix_time\": " + (s.unix_time ? Number(*s.unix_time, 3) : "null"),
      "\"counters_are_increments\": " + std::string(s.counters_are_increments ? "true" : "false"),
      "\"counters\": " + CounterObject(s.counters, inner)};
  if (s.listeners) {
    std::vector<std::string> items;
    for (const Listener& l : *s.listeners) {
      items.push_back(
          ListenerObject(l, std::string(", \"full\": ") + (l.Full() ? "true" : "false")));
    }
    fields.push_back("\"listeners\": " + Block('[', items, inner));
  }
  if (s.states) fields.push_back("\"states\": " + CounterObject(*s.states, inner));
  if (s.process) fields.push_back("\"process\": " + ProcessObject(*s.process));
  return Block('{', fields, indent);
}

std::string CountersSummary(const HostReport& r, const std::string& indent) {
  std::vector<std::string> items;
  for (const CounterChange& c : r.counters) {
    items.push_back(Quote(c.name) + ": {\"first\": " + Number(c.first) +
                    ", \"last\": " + Number(c.last) + ", \"delta\": " + OptNumber(c.delta) +
                    ", \"rate\": " + (c.rate ? Number(*c.rate, 3) : "null") + "}");
  }
  return Block('{', items, indent);
}

std::string FindingObject(const HostFinding& f, const std::string& indent) {
  std::vector<std::string> evidence;
  for (const std::string& e : f.evidence) evidence.push_back(Quote(e));
  std::string inner = indent + "  ";
  return Block('{',
               {"\"id\": " + Quote(f.id), "\"confidence\": " + Number(f.confidence, 2),
                "\"evidence\": " + Block('[', evidence, inner), "\"advice\": " + Quote(f.advice)},
               indent);
}

std::string ReportListeners(const HostReport& r, const std::string& indent) {
  if (!r.listeners) return "null";
  std::vector<std::string> items;
  for (const ListenerState& l : *r.listeners) {
    items.push_back(ListenerObject(l.last, ", \"peak_recv_q\": " + Number(int64_t{l.peak_recv_q}) +
                                               ", \"full\": " + (l.full ? "true" : "false")));
  }
  return Block('[', items, indent);
}

}  // namespace

std::string FormatHostReportJson(const HostEvidence& evidence, const HostReport& report) {
  const std::string in = "  ";
  std::vector<std::string> snapshots, findings, unreadable, ports;
  for (const HostSnapshot& s : evidence.snapshots)
    snapshots.push_back(SnapshotObject(s, in + "  "));
  for (const HostFinding& f : report.findings) findings.push_back(FindingObject(f, in + "  "));
  for (const Unreadable& u : report.unreadable) {
    unreadable.push_back("{\"what\": " + Quote(u.what) + ", \"why\": " + Quote(u.why) + "}");
  }
  for (uint16_t port : evidence.ports) ports.push_back(Number(int64_t{port}));
  std::vector<std::string> fields = {
      "\"schema\": " + Quote(kProbeSchema),
      "\"seconds\": " + (report.seconds ? Number(*report.seconds, 3) : "null"),
      "\"ports\": " + Block('[', ports, in),
      "\"snapshots\": " + Block('[', snapshots, in),
      "\"counters\": " + CountersSummary(report, in),
      "\"settings\": " + CounterObject(report.settings, in),
      "\"listeners\": " + ReportListeners(report, in),
      "\"states\": " + (report.states ? CounterObject(*report.states, in) : "null"),
      "\"process\": " + (report.process ? ProcessObject(*report.process) : "null"),
      "\"findings\": " + Block('[', findings, in),
      "\"unreadable\": " + Block('[', unreadable, in)};
  return Block('{', fields, "") + "\n";
}

}  // namespace sockfilter
