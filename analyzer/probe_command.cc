// `sockfilter probe`: snapshots of the kernel's TCP state, their deltas, and findings.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>

#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/diagnostics.h"
#include "analyzer/host/host_json_printer.h"
#include "analyzer/host/host_report.h"
#include "analyzer/host/host_text_printer.h"
#include "analyzer/host/probe.h"
#include "analyzer/output_sink.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kProbeSpec = {
    "probe",
    "sockfilter probe [--interval SECONDS] [--count N] [--port P...] [--pid PID] "
    "[--format text|json]",
    "Reads the kernel's TCP state N times, SECONDS apart, the way an expert runs `netstat -s`\n"
    "and `ss -lnt` a few seconds apart: listen-queue overflows, resets and aborts with their\n"
    "rates, the accept queue of every listening socket (Recv-Q against Send-Q), connections\n"
    "by state, the settings that size the queues and, with --pid, a process's descriptors\n"
    "against its limit. Ends with findings (accept_queue_overflow, fd_exhaustion,\n"
    "server_overload) and advice. Needs no privileges; what it cannot read is listed.\n"
    "The JSON output (schema sockfilter.probe.v1) can be given to `analyze` as evidence."};

struct ProbeArgs {
  CommonOptions common;
  double interval = 5;
  int count = 2;
  std::vector<int> ports;
  int pid = 0;
  std::string format = "text";
};

// Second-stage checks Boost cannot express; a message on failure.
std::optional<std::string> Validate(const ProbeArgs& raw, const po::variables_map& vm) {
  if (!std::isfinite(raw.interval) || raw.interval < 0 || raw.interval > 86400)
    return "--interval must be between 0 and 86400 seconds";
  if (raw.count < 1 || raw.count > 100000) return "--count must be at least 1";
  for (int port : raw.ports) {
    if (port < 1 || port > 65535) return "--port must be between 1 and 65535";
  }
  if (vm.count("pid") && raw.pid < 1) return "--pid must be a process id";
  if (raw.format != "text" && raw.format != "json") return "--format must be text or json";
  return std::nullopt;
}

}  // namespace

int RunProbeCommand(const Args& args) {
  ProbeArgs raw;
  po::options_description options("Options");
  AddCommonOptions(&options, &raw.common);
  options.add_options()("interval",
                        po::value(&raw.interval)->default_value(5)->value_name("SECONDS"),
                        "time between snapshots")(
      "count", po::value(&raw.count)->default_value(2)->value_name("N"), "number of snapshots")(
      "port", po::value(&raw.ports)->multitoken()->value_name("P"),
      "only listeners and connections on these local ports (counters stay host-wide)")(
      "pid", po::value(&raw.pid)->value_name("PID"),
      "also count this process's open descriptors against its limit")(
      "format", po::value(&raw.format)->default_value("text")->value_name("text|json"),
      "output format");
  po::variables_map vm;
  ParseOutcome outcome = ParseCommandLine(kProbeSpec, args, options,
                                          po::positional_options_description(), &raw.common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  if (std::optional<std::string> problem = Validate(raw, vm)) {
    spdlog::error("probe: {} (see `sockfilter probe --help`)", *problem);
    return kExitUsage;
  }

  ProbeOptions probe;
  probe.interval_seconds = raw.interval;
  probe.count = raw.count;
  for (int port : raw.ports) probe.ports.push_back(static_cast<uint16_t>(port));
  if (vm.count("pid")) probe.pid = raw.pid;
  HostEvidence evidence = RunProbe(probe);
  HostReport report = BuildHostReport(evidence);
  for (const Unreadable& u : report.unreadable) spdlog::info("cannot read {}: {}", u.what, u.why);

  std::string text = raw.format == "json"
                         ? FormatHostReportJson(evidence, report)
                         : FormatHostReportText(report, {ColourAllowed(STDOUT_FILENO), 80});
  OutputSink out(STDOUT_FILENO);
  out.Write(text);
  out.FlushBuffer();
  if (!out.status().ok() && !out.closed_by_reader()) {
    spdlog::error("{}", out.status().message());
    return kExitInputError;
  }
  return kExitOk;
}

}  // namespace sockfilter
