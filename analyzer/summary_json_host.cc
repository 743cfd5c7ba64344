// Reading the host captures of a summary file ("stats"."host").
#include <simdjson.h>

#include <string>
#include <vector>

#include "analyzer/summary.h"

namespace sockfilter {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

bool ReadListeners(element e, std::vector<Listener>* out) {
  array listeners;
  if (e.get(listeners)) return false;
  for (element l : listeners) {
    Listener listener;
    std::string_view local;
    uint64_t port = 0, recv_q = 0, send_q = 0;
    if (l["local"].get(local) || l["port"].get(port) || l["recv_q"].get(recv_q) ||
        l["send_q"].get(send_q))
      return false;
    listener.local = std::string(local);
    listener.port = static_cast<uint16_t>(port);
    listener.recv_q = static_cast<uint32_t>(recv_q);
    listener.send_q = static_cast<uint32_t>(send_q);
    out->push_back(std::move(listener));
  }
  return true;
}

bool ReadIntMap(element e, std::map<std::string, int64_t>* out) {
  object map;
  if (e.get(map)) return false;
  for (auto [key, value] : map) {
    int64_t v = 0;
    if (value.get(v)) return false;
    (*out)[std::string(key)] = v;
  }
  return true;
}

bool ReadSnapshot(element e, HostSnapshot* snap) {
  double unix_time = 0;
  if (!e["unix_time"].get(unix_time)) snap->unix_time = unix_time;
  std::string_view text;
  element counters, listeners;
  if (e["time_text"].get(text) || e["counters"].get(counters) ||
      e["increments"].get(snap->counters_are_increments) || !ReadIntMap(counters, &snap->counters))
    return false;
  snap->time_text = std::string(text);
  if (!e["listeners"].get(listeners)) {
    snap->listeners.emplace();
    if (!ReadListeners(listeners, &*snap->listeners)) return false;
  }
  return true;
}

}  // namespace

bool ReadHostCaptures(element e, std::vector<HostInput>* host, std::string* error) {
  array captures;
  if (e.get(captures)) {
    *error = "host";
    return false;
  }
  for (element c : captures) {
    HostInput capture;
    std::string_view source;
    element settings;
    array snapshots;
    if (c["source"].get(source) || c["settings"].get(settings) || c["snapshots"].get(snapshots) ||
        !ReadIntMap(settings, &capture.evidence.settings)) {
      *error = "host capture";
      return false;
    }
    capture.source = std::string(source);
    for (element s : snapshots) {
      HostSnapshot snap;
      if (!ReadSnapshot(s, &snap)) {
        *error = "host snapshot of " + capture.source;
        return false;
      }
      capture.evidence.snapshots.push_back(std::move(snap));
    }
    host->push_back(std::move(capture));
  }
  return true;
}

}  // namespace sockfilter
