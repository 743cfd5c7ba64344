#include "analyzer/report_args.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "analyzer/diagnostics.h"

namespace sockfilter {

void AddReportOptions(po::options_description* options, ReportArgs* args) {
  options->add_options()("format",
                         po::value(&args->format)->default_value("text")->value_name("FMT"),
                         "report format: text, json (sockfilter.summary.v1) or markdown")(
      "bucket", po::value(&args->bucket)->value_name("DURATION"),
      "timeline bucket (30s, 5m, 1h, ...; rounded up to 1s/5s/10s/30s/1m/5m/10m/30m/1h/2h/"
      "6h/12h/1d/7d); default: chosen from the span")(
      "top", po::value(&args->top)->default_value(3)->value_name("N"),
      "signatures, peers, endpoints and components shown per cause")(
      "compact", po::bool_switch(&args->compact), "json on one line (for streaming jobs)")(
      "fail-on", po::value(&args->fail_on)->value_name("ID[=N]")->composing(),
      "exit 3 when cause or root cause ID has at least N events (default 1); repeatable");
}

int64_t ParseDurationMs(const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 0) return 0;
  std::string unit(end, text.data() + text.size());
  int64_t unit_ms = 0;
  if (unit.empty() || unit == "s") unit_ms = 1000;
  if (unit == "m" || unit == "min") unit_ms = 60000;
  if (unit == "h") unit_ms = 3600000;
  if (unit == "d") unit_ms = 86400000;
  // Ten years is more than any log spans; beyond, the product could overflow.
  constexpr int64_t kMaxMs = int64_t{3650} * 86400000;
  if (unit_ms == 0 || value > kMaxMs / unit_ms) return 0;
  return value * unit_ms;
}

Result<ReportPlan> BuildReportPlan(const ReportArgs& args, const std::vector<CauseInfo>& causes) {
  ReportPlan plan;
  plan.format = args.format;
  if (plan.format != "text" && plan.format != "json" && plan.format != "markdown")
    return Status::Error("--format " + args.format + ": use text, json or markdown");
  if (!args.bucket.empty()) {
    plan.options.bucket_ms = ParseDurationMs(args.bucket);
    if (plan.options.bucket_ms == 0)
      return Status::Error("--bucket " + args.bucket +
                           ": not a duration (30s, 5m, 1h, 1d; at most 3650d)");
  }
  plan.options.top = std::max<size_t>(1, args.top);
  plan.options.colour = plan.format == "text" && ColourAllowed(STDOUT_FILENO);
  plan.compact = args.compact;
  std::vector<std::string> ids;
  for (const CauseInfo& c : causes) ids.push_back(c.id);
  for (const std::string& text : args.fail_on) {
    Result<FailOn> rule = ParseFailOn(text, ids);
    if (!rule.ok()) return rule.status();
    plan.fail_on.push_back(*rule);
  }
  return plan;
}

int PrintReport(const Summary& summary, const ReportPlan& plan) {
  std::vector<RootCause> roots = InferRootCauses(summary);
  std::string text;
  if (plan.format == "json") {
    text = RenderJson(summary, roots, plan.options);
    if (plan.compact) {
      // Indentation only ever follows a newline outside strings (the writer escapes
      // newlines inside them), so dropping "\n" + spaces gives the one-line form.
      std::string one;
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n') {
          one += text[i];
          continue;
        }
        while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
      }
      text = one + "\n";
    }
  } else if (plan.format == "markdown") {
    text = RenderMarkdown(summary, roots, plan.options);
  } else {
    text = RenderText(summary, roots, plan.options);
  }
  size_t written = std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0 || written != text.size()) {
    const bool reader_gone = errno == EPIPE;
    if (!reader_gone) spdlog::error("<stdout>: {}", std::strerror(errno));
    std::clearerr(stdout);  // settled here: main() has nothing to add
    if (!reader_gone) return kExitInputError;
  }
  // A reader that went away (`analyze ... | head`) is no failure, and a threshold met is
  // still one: a CI gate must not pass because its report was cut short.
  std::optional<std::string> met = FirstMet(plan.fail_on, summary, roots);
  if (met) {
    spdlog::warn("--fail-on: {}", *met);
    return kExitThreshold;
  }
  return kExitOk;
}

}  // namespace sockfilter
