#include "analyzer/host/probe_json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <string>

#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace dom = simdjson::dom;

namespace {

std::optional<int64_t> IntOf(dom::element e) {
  int64_t value;
  if (e.get_int64().get(value) == simdjson::SUCCESS) return value;
  return std::nullopt;
}

std::optional<int64_t> IntField(dom::object o, std::string_view key) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  return IntOf(e);
}

std::string StringField(dom::object o, std::string_view key) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS) return "";
  return std::string(s);
}

// {"name": 123, ...} -> map; non-integer values are skipped.
std::map<std::string, int64_t> IntMap(dom::object o) {
  std::map<std::string, int64_t> out;
  for (auto [key, value] : o) {
    if (std::optional<int64_t> v = IntOf(value)) out[std::string(key)] = *v;
  }
  return out;
}

std::vector<Listener> ReadListeners(dom::array items) {
  std::vector<Listener> listeners;
  for (dom::element item : items) {
    dom::object o;
    if (item.get_object().get(o) != simdjson::SUCCESS) continue;
    Listener l;
    l.local = StringField(o, "local");
    l.port = static_cast<uint16_t>(IntField(o, "port").value_or(0));
    l.recv_q = static_cast<uint32_t>(IntField(o, "recv_q").value_or(0));
    l.send_q = static_cast<uint32_t>(IntField(o, "send_q").value_or(0));
    listeners.push_back(std::move(l));
  }
  return listeners;
}

ProcessFds ReadProcess(dom::object o) {
  ProcessFds p;
  p.pid = static_cast<int>(IntField(o, "pid").value_or(0));
  p.name = StringField(o, "name");
  p.open = IntField(o, "open_fds");
  p.soft_limit = IntField(o, "soft_limit");
  p.hard_limit = IntField(o, "hard_limit");
  return p;
}

HostSnapshot ReadSnapshot(dom::object o) {
  HostSnapshot s;
  s.time_text = StringField(o, "time");
  double unix_time;
  if (o["unix_time"].get_double().get(unix_time) == simdjson::SUCCESS) s.unix_time = unix_time;
  bool increments = false;
  if (o["counters_are_increments"].get_bool().get(increments) == simdjson::SUCCESS)
    s.counters_are_increments = increments;
  dom::object counters, states, process;
  dom::array listeners;
  if (o["counters"].get_object().get(counters) == simdjson::SUCCESS) s.counters = IntMap(counters);
  if (o["listeners"].get_array().get(listeners) == simdjson::SUCCESS)
    s.listeners = ReadListeners(listeners);
  if (o["states"].get_object().get(states) == simdjson::SUCCESS) s.states = IntMap(states);
  if (o["process"].get_object().get(process) == simdjson::SUCCESS) s.process = ReadProcess(process);
  return s;
}

Status AddDocument(dom::object doc, HostEvidence* evidence) {
  if (StringField(doc, "schema") != "sockfilter.probe.v1")
    return Status::Error("not a sockfilter.probe.v1 document");
  dom::array snapshots, unreadable, ports;
  dom::object settings;
  if (doc["snapshots"].get_array().get(snapshots) != simdjson::SUCCESS)
    return Status::Error("a probe document without \"snapshots\"");
  for (dom::element e : snapshots) {
    dom::object o;
    if (e.get_object().get(o) == simdjson::SUCCESS) evidence->snapshots.push_back(ReadSnapshot(o));
  }
  if (doc["settings"].get_object().get(settings) == simdjson::SUCCESS) {
    for (auto& [name, value] : IntMap(settings)) evidence->settings[name] = value;
  }
  if (doc["unreadable"].get_array().get(unreadable) == simdjson::SUCCESS) {
    for (dom::element e : unreadable) {
      dom::object o;
      if (e.get_object().get(o) == simdjson::SUCCESS)
        evidence->unreadable.push_back({StringField(o, "what"), StringField(o, "why")});
    }
  }
  if (doc["ports"].get_array().get(ports) == simdjson::SUCCESS && evidence->ports.empty()) {
    for (dom::element e : ports)
      evidence->ports.push_back(static_cast<uint16_t>(IntOf(e).value_or(0)));
  }
  return Status::Ok();
}

}  // namespace

bool LooksLikeProbeJson(std::string_view head) {
  std::string_view t = Trim(head);
  return !t.empty() && t.front() == '{' &&
         t.substr(0, 4096).find("\"sockfilter.probe.v1\"") != std::string_view::npos;
}

Result<HostEvidence> ReadProbeJson(std::string_view text) {
  simdjson::padded_string padded(text.data(), text.size());
  dom::parser parser;
  dom::document_stream stream;
  size_t batch = std::max<size_t>(text.size() + 1, simdjson::dom::DEFAULT_BATCH_SIZE);
  if (parser.parse_many(padded, batch).get(stream) != simdjson::SUCCESS)
    return Status::Error("probe JSON: cannot start parsing");
  HostEvidence evidence;
  size_t documents = 0;
  for (auto result : stream) {
    dom::object doc;
    if (auto error = result.get_object().get(doc); error != simdjson::SUCCESS) {
      return Status::Error("probe JSON document " + std::to_string(documents + 1) + ": " +
                           simdjson::error_message(error));
    }
    Status status = AddDocument(doc, &evidence);
    if (!status.ok()) return Status::Error("probe JSON: " + status.message());
    ++documents;
  }
  if (documents == 0) return Status::Error("probe JSON: no document");
  std::stable_sort(evidence.snapshots.begin(), evidence.snapshots.end(),
                   [](const HostSnapshot& a, const HostSnapshot& b) {
                     return a.unix_time.value_or(0) < b.unix_time.value_or(0);
                   });
  return evidence;
}

}  // namespace sockfilter
