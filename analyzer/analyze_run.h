// AnalyzeFiles: runs the analysis pipeline over a batch of inputs, several files at once,
// and merges the per-file Summaries in input order.
//
//   source -> lines -> events -> classify -> SummarySink   (one chain per file, per thread)
//
// Each input is either a log (any mix of plain, gzip, zstd) or a host capture (netstat -s,
// nstat, ss -lnt, probe JSON; recognised by its first bytes), whose snapshots go into
// Summary::host. `jobs` worker threads take the next file from a shared index; their
// Summaries are merged in the order of `files`, which is what a single pass over the
// files in that order would count (see summary.h), so --jobs never changes the report.
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
  PipelineOptions pipeline;
  Progress* progress = nullptr;
};

struct AnalyzeBatch {
  Summary summary;
  std::vector<Status> errors;  // one per input that could not be read whole
};

AnalyzeBatch AnalyzeFiles(const std::vector<InputFile>& files, const RuleBook& rules,
                          const AnalyzeOptions& options);

// Analyses one input into `summary` (a log through the pipeline, or a host capture).
void AnalyzeOne(const InputFile& file, const RuleBook& rules, const AnalyzeOptions& options,
                Summary* summary, std::vector<Status>* errors);

}  // namespace sockfilter
