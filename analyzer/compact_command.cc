// `sockfilter compact FILE...`: rewrite rotated logs in place without their floods.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>

#include "analyzer/analyze_summary.h"
#include "analyzer/chain_options.h"
#include "analyzer/civil_time.h"
#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/compress_sink.h"
#include "analyzer/diagnostics.h"
#include "analyzer/filter_chain.h"
#include "analyzer/load_rules.h"
#include "filters/compactor.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kCompactSpec = {
    "compact", "sockfilter compact [OPTIONS] FILE...",
    "Rewrites each FILE in place with exactly what `sockfilter [filter]` (same options)\n"
    "would write for it: floods of repeated socket errors collapse into one sample and a\n"
    "marker. Plain, gzip and zstd files are recognised by their first bytes and written\n"
    "back in the same format (gzip at level 1, fast, unless --level), unless --compress.\n"
    "The new content goes to a temporary file beside FILE (\".FILE.sockfilter-XXXXXX\"),\n"
    "is synced, takes FILE's owner, group, mode and modification time, and is renamed\n"
    "over FILE: on any error or interruption FILE is left unchanged. The summary of the\n"
    "original goes to FILE.sockfilter.json (for `sockfilter merge`); a file compacted\n"
    "already (it holds markers) keeps the summary of its original beside it (one that\n"
    "counts the same events per cause).\n"
    "Refuses symlinks, non-regular files and files whose owner it cannot keep.\n"
    "Prints one line per file on stdout:\n"
    "  compacted file=F bytes_before=N bytes_after=N ratio=R events_suppressed=N "
    "[output=F] [summary=F] [summary_kept=yes]\n"
    "(`dry-run` instead of `compacted` with --dry-run). Exit status 1 when any file failed."};

struct CompactArgs {
  CommonOptions common;
  ChainArgs chain;  // the filter's own options: same names, same meaning
  std::vector<std::string> inputs;
  std::string compress;
  std::string summary_dir;
  bool no_summary = false;
  bool dry_run = false;
  bool single_thread = false;
  int level = 0;
  uint32_t max_event_lines = 2000;
  uint64_t max_event_bytes = 4 << 20;
};

void AddCompactOptions(po::options_description* options, CompactArgs* raw) {
  options->add_options()("dry-run,n", po::bool_switch(&raw->dry_run),
                         "report what would be saved; write nothing")(
      "compress", po::value(&raw->compress)->value_name("gzip|zstd|none"),
      "output format (default: the input's); the file's extension changes to match")(
      "level", po::value(&raw->level)->value_name("N"),
      "compression level (default: gzip 1, zstd 3)")(
      "summary", po::value(&raw->summary_dir)->value_name("DIR"),
      "write FILE.sockfilter.json into DIR (default: beside FILE)")(
      "no-summary", po::bool_switch(&raw->no_summary), "write no summary")(
      "max-event-lines", po::value(&raw->max_event_lines)->default_value(2000)->value_name("N"),
      "pass on an event as it is when it reaches N lines")(
      "max-event-bytes",
      po::value(&raw->max_event_bytes)->default_value(4 << 20)->value_name("BYTES"),
      "pass on an event as it is when it reaches BYTES")(
      "single-thread", po::bool_switch(&raw->single_thread),
      "read each file on the main thread (by default it is read, decompressed and searched "
      "for the rules' literals on a second thread when a CPU is free for it; compressed "
      "output is always encoded on a thread of its own)")(
      "input", po::value(&raw->inputs)->value_name("FILE"), "files to compact");
}

Result<std::optional<Compression>> ParseCompress(const std::string& name) {
  if (name.empty()) return std::optional<Compression>();
  if (name == "gzip" || name == "gz") return std::optional(Compression::kGzip);
  if (name == "zstd" || name == "zst") return std::optional(Compression::kZstd);
  if (name == "none") return std::optional(Compression::kNone);
  return Status::Error("compact: --compress must be gzip, zstd or none, not '" + name + "'");
}

// The stages `sockfilter [filter]` runs (BuildFilterChain), with their accounting.
class FilterChainStages : public CompactChain {
 public:
  explicit FilterChainStages(std::unique_ptr<FilterChain> chain) : chain_(std::move(chain)) {}
  EventSink* head() override { return chain_->head(); }
  uint64_t events_suppressed() const override { return chain_->stats().events_suppressed; }
  std::string stats_json() const override { return FormatStatsJson(chain_->stats()); }

 private:
  std::unique_ptr<FilterChain> chain_;
};

ChainFactory FilterChainFactory(const RuleBook& rules, const FilterOptions& options) {
  return [&rules, options](EventSink* out,
                           TimeMs mtime_ms) -> Result<std::unique_ptr<CompactChain>> {
    FilterOptions per_file = options;
    per_file.default_year = YearOf(mtime_ms);  // as the filter does for its first file
    Result<std::unique_ptr<FilterChain>> chain = BuildFilterChain(rules, per_file, out);
    if (!chain.ok()) return chain.status();
    return std::unique_ptr<CompactChain>(std::make_unique<FilterChainStages>(std::move(*chain)));
  };
}

// logfmt value: bare when safe, else quoted with \" and \\ escaped.
std::string LogfmtValue(const std::string& s) {
  bool bare = !s.empty() && s.find_first_of(" \"=\\\t\n") == std::string::npos;
  if (bare) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

void PrintResult(const CompactResult& r) {
  double ratio = r.bytes_before == 0 ? 1.0 : double(r.bytes_after) / double(r.bytes_before);
  std::string line =
      fmt::format("{} file={} bytes_before={} bytes_after={} ratio={:.3f} events_suppressed={}",
                  r.dry_run ? "dry-run" : "compacted", LogfmtValue(r.path), r.bytes_before,
                  r.bytes_after, ratio, r.events_suppressed);
  if (r.output_path != r.path) line += " output=" + LogfmtValue(r.output_path);
  if (!r.summary_path.empty()) line += " summary=" + LogfmtValue(r.summary_path);
  if (r.summary_kept) line += " summary_kept=yes";
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace

int RunCompactCommand(const Args& args) {
  CompactArgs raw;
  po::options_description options("Options");
  AddCommonOptions(&options, &raw.common);
  AddCompactOptions(&options, &raw);
  AddChainArgs(&options, &raw.chain);
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  ParseOutcome outcome =
      ParseCommandLine(kCompactSpec, args, options, positional, &raw.common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  Result<std::optional<Compression>> compress = ParseCompress(raw.compress);
  if (!compress.ok() || raw.inputs.empty()) {
    spdlog::error("{}", compress.ok() ? "compact: no FILE given (see `sockfilter compact --help`)"
                                      : compress.status().message());
    return kExitUsage;
  }
  Status chain_args = ResolveChainArgs(&raw.chain);
  if (!chain_args.ok()) {
    spdlog::error("compact: {}", chain_args.message());
    return kExitUsage;
  }
  Result<RuleBook> rules = LoadRulesFor(raw.common);
  if (!rules.ok()) {
    LogErrorLines(rules.status().message());
    return kExitUsage;
  }
  // A file-size limit must surface as a write error (EFBIG) we can report and clean up
  // after, not kill the process halfway.
  std::signal(SIGXFSZ, SIG_IGN);

  CompactOptions compact;
  compact.compress = *compress;
  compact.level = raw.level;
  compact.dry_run = raw.dry_run;
  compact.summary = !raw.no_summary;
  compact.summary_dir = raw.summary_dir;
  compact.pipeline.limits.max_lines = std::max<uint32_t>(1, raw.max_event_lines);
  compact.pipeline.limits.max_bytes = std::max<uint64_t>(1, raw.max_event_bytes);
  compact.pipeline.read_ahead = !raw.single_thread;  // where a core is free (Compactor)
  const RuleBook& book = *rules;
  Compactor compactor(
      book, compact, FilterChainFactory(book, raw.chain.filter),
      [&book](const std::string& /*path*/, TimeMs mtime_ms) {
        return std::unique_ptr<CompactSummary>(std::make_unique<AnalyzeSummary>(book, mtime_ms));
      });
  int exit_code = kExitOk;
  for (const std::string& path : raw.inputs) {
    Result<CompactResult> result = compactor.Compact(path);
    if (result.ok()) {
      PrintResult(*result);
      if (raw.chain.stats) std::fprintf(stderr, "%s\n", result->stats_json.c_str());
    } else {
      spdlog::error("{}", result.status().message());
      exit_code = kExitInputError;
    }
  }
  return exit_code;
}

}  // namespace sockfilter
