// AnalyzeFiles: runs the analysis pipeline over a batch of inputs, several at once, and
// merges their Summaries in input order.
//
//   source -> lines -> events -> classify -> SummarySink   (one chain per piece, per thread)
//
// Each input is either a log (any mix of plain, gzip, zstd) or a host capture (netstat -s,
// nstat, ss -lnt, probe JSON; recognised by its first bytes), whose snapshots go into
// Summary::host. With several jobs, a big plain log is cut into pieces at event starts
// (analyzer/file_pieces.h), as many as the jobs. `jobs` worker threads take the next file
// or piece from a shared index; their Summaries are merged in input order, which is what
// a single pass over the files in that order would count (see summary.h), so --jobs never
// changes the report. Threads left over (fewer pieces than jobs) read ahead for the
// pieces (PipelineOptions::read_ahead), which changes the speed only.
//
//   AnalyzeBatch batch = AnalyzeFiles(files, rules, {.jobs = 4});
//   for (const Status& e : batch.errors) Log(e);
#pragma once

#include <string>
#include <vector>

#include "analyzer/input_list.h"
#include "analyzer/pipeline.h"
#include "analyzer/progress.h"
#include "analyzer/summary.h"
#include "rules/rule_loader.h"

namespace sockfilter {

struct AnalyzeOptions {
  int jobs = 1;
  // With several jobs, a plain log file of at least twice this size is cut into pieces
  // (as many as the jobs) that are analysed at once and merged (analyzer/file_pieces.h).
  uint64_t min_piece_bytes = 64 << 20;
  size_t max_pieces = 0;  // pieces a file is cut into at most; 0: as many as the jobs
  PipelineOptions pipeline;
  Progress* progress = nullptr;
};

struct AnalyzeBatch {
  Summary summary;
  std::vector<Status> errors;  // one per input that could not be read whole
};

// `files` holds standard input ("-") at most once (ExpandInputs sees to it): its pieces
// run at once on different threads, and two of them would read the one stdin together.
AnalyzeBatch AnalyzeFiles(const std::vector<InputFile>& files, const RuleBook& rules,
                          const AnalyzeOptions& options);

// Analyses one input into `summary` (a log through the pipeline, or a host capture).
void AnalyzeOne(const InputFile& file, const RuleBook& rules, const AnalyzeOptions& options,
                Summary* summary, std::vector<Status>* errors);

}  // namespace sockfilter
