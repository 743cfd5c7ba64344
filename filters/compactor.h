// Compactor: rewrites a log file in place without its floods, safely.
//
// For each file: refuse what cannot be replaced faithfully (a symlink, anything but a
// regular file, a file whose owner we cannot keep); read it (plain, gzip or zstd, found by
// its magic bytes) through the filter chain into a temporary file beside it, compressed
// like the input unless told otherwise; then swap it in with SafeReplace (fsync, owner,
// mode and times kept, atomic rename, directory fsync) and write the summary of the
// original as NAME.sockfilter.json. On any failure nothing is replaced: the temporary
// files are removed and the error names the file and says the original is unchanged.
// A shutdown signal (SIGINT, SIGTERM, SIGHUP) during a file aborts it the same way.
//
//   Compactor compactor(rules, options, chain_factory, summary_factory);
//   Result<CompactResult> r = compactor.Compact("/var/log/app.log.1");
//   if (!r.ok()) Log(r.status());   // "app.log.1: write failed: ...; original left unchanged"
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analyzer/byte_source.h"
#include "analyzer/pipeline.h"
#include "filters/compact_stages.h"
#include "rules/rule_loader.h"

namespace sockfilter {

struct CompactOptions {
  std::optional<Compression> compress;  // the output's format; unset: the input's
  int level = 0;                        // compression level; 0: the format's default
  bool dry_run = false;                 // compute the result, write nothing
  bool summary = true;
  std::string summary_dir;  // where NAME.sockfilter.json goes; "": beside the file
  // pipeline.read_ahead: read each file ahead on a second thread when a core is free for
  // it (none is on two cores when the output is compressed: its encoder has one).
  PipelineOptions pipeline;
};

struct CompactResult {
  std::string path;          // the file as given
  std::string output_path;   // where its compacted content is (a new name with --compress)
  std::string summary_path;  // "" when no summary was written
  // The file was compacted already and the summary of its original stays as it was: one
  // made from this file's markers would count its events but lose their peers and times.
  bool summary_kept = false;
  Compression input = Compression::kNone;
  Compression output = Compression::kNone;
  uint64_t bytes_before = 0;  // on disk
  uint64_t bytes_after = 0;   // on disk (what would be written, with dry_run)
  uint64_t events_suppressed = 0;
  std::string stats_json;  // the chain's counts (what `sockfilter --stats` prints)
  bool dry_run = false;
};

struct CompactInput;  // an input opened for compaction (compactor.cc)

class Compactor {
 public:
  Compactor(const RuleBook& rules, CompactOptions options, ChainFactory chain,
            SummaryFactory summary);

  Result<CompactResult> Compact(const std::string& path);

 private:
  // Reads the input through the summary and the chain into `out_fd`.
  Status Filter(CompactInput* in, int out_fd, CompactResult* result, std::string* summary_json);
  // Swaps the new content in, then the summary; `replace` holds the written temp file.
  Result<CompactResult> Commit(const CompactInput& in, class SafeReplace* replace,
                               const std::string& summary_json, CompactResult result);

  const RuleBook& rules_;
  CompactOptions options_;
  ChainFactory chain_;
  SummaryFactory summary_;
};

// The file name the output takes: `path` with the input's compression extension (".gz",
// ".zst") replaced by the output's. Unchanged when both are the same.
std::string OutputName(const std::string& path, Compression input, Compression output);

}  // namespace sockfilter
