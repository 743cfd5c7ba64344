#include "analyzer/host/sysctl_settings.h"

#include "analyzer/host/proc_files.h"
#include "analyzer/host/text_fields.h"

namespace sockfilter {

const std::vector<std::string_view>& SysctlNames() {
  static const std::vector<std::string_view> kNames = {
      "net.core.somaxconn",
      "net.ipv4.tcp_max_syn_backlog",
      "net.ipv4.tcp_abort_on_overflow",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes",
      "fs.file-max",
      "fs.file-nr",
  };
  return kNames;
}

std::string SysctlPath(std::string_view name) {
  std::string path(name);
  for (char& c : path) {
    if (c == '.') c = '/';
  }
  return path;
}

CounterMap ReadSysctlSettings(std::vector<Unreadable>* unreadable,
                              const std::string& proc_sys_root) {
  CounterMap settings;
  for (std::string_view name : SysctlNames()) {
    std::string path = proc_sys_root + "/" + SysctlPath(name);
    Result<std::string> text = ReadProcFile(path);
    if (!text.ok()) {
      unreadable->push_back({path, text.status().message()});
      continue;
    }
    // fs.file-nr is "allocated unused max"; the first field is the one worth watching.
    std::vector<std::string_view> fields = SplitFields(*text);
    std::optional<int64_t> value = fields.empty() ? std::nullopt : ParseInt(fields[0]);
    if (!value) {
      unreadable->push_back({path, "not a number"});
      continue;
    }
    settings[std::string(name)] = *value;
  }
  return settings;
}

}  // namespace sockfilter
