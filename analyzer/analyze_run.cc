#include "analyzer/analyze_run.h"

#include <atomic>
#include <thread>

#include "analyzer/byte_source.h"
#include "analyzer/classify_stage.h"
#include "analyzer/host/captures.h"
#include "analyzer/summary_sink.h"
#include "analyzer/timestamp.h"
#include "filters/signature.h"

namespace sockfilter {

namespace {

constexpr size_t kSniffBytes = 64 << 10;
constexpr size_t kMaxCaptureBytes = 64 << 20;

// Reads up to `limit` bytes of `path` (decompressed). A host capture is small text.
Result<std::string> ReadHead(const std::string& path, size_t limit) {
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  if (!source.ok()) return source.status();
  std::string text;
  char buf[1 << 16];
  while (text.size() < limit) {
    Result<size_t> n = (*source)->Read(buf, std::min(sizeof buf, limit - text.size()));
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    text.append(buf, *n);
  }
  return text;
}

// True when `file` is a host capture; its evidence is then added to `summary`. Standard
// input is always read as a log (it cannot be read twice).
bool TryCapture(const InputFile& file, Summary* summary, std::vector<Status>* errors) {
  if (file.path == "-") return false;
  Result<std::string> head = ReadHead(file.path, kSniffBytes);
  if (!head.ok() || DetectCaptureKinds(*head) == 0) return false;
  Result<std::string> text = ReadHead(file.path, kMaxCaptureBytes);
  if (!text.ok()) {
    errors->push_back(text.status());
    return true;
  }
  Result<HostCapture> capture = ParseCapture(*text);
  if (!capture.ok()) {
    errors->push_back(Status::Error(file.path + ": " + capture.status().message()));
    return true;
  }
  ++summary->inputs;
  summary->bytes += text->size();
  summary->host.push_back(HostInput{file.path, std::move(capture->evidence)});
  return true;
}

}  // namespace

void AnalyzeOne(const InputFile& file, const RuleBook& rules, const AnalyzeOptions& options,
                Summary* summary, std::vector<Status>* errors) {
  if (TryCapture(file, summary, errors)) return;
  Signer signer(SignatureMode::kNormalized);
  SummarySink::Options sink_options;
  sink_options.default_year = file.mtime_ms > 0 ? YearOf(file.mtime_ms) : CurrentUtcYear();
  sink_options.progress = options.progress;
  SummarySink sink(
      rules.causes, [&signer](const Event& e) { return signer.Sign(e.raw, e.tags.json); }, summary,
      sink_options);
  ClassifyStage classify(rules.classifier, &sink);
  classify.set_default_year(sink_options.default_year);
  PipelineReport report;
  RunInput(file.path, rules, options.pipeline, &classify, &report);
  classify.Finish();
  summary->bytes += report.bytes_in;
  errors->insert(errors->end(), report.errors.begin(), report.errors.end());
}

AnalyzeBatch AnalyzeFiles(const std::vector<InputFile>& files, const RuleBook& rules,
                          const AnalyzeOptions& options) {
  std::vector<Summary> parts(files.size());
  std::vector<std::vector<Status>> errors(files.size());
  const size_t requested = static_cast<size_t>(std::max(1, options.jobs));
  const size_t jobs = std::clamp<size_t>(requested, 1, std::max<size_t>(1, files.size()));
  // Threads that the files leave idle (fewer files than --jobs) read ahead for them: a
  // second thread per file reads, decompresses and searches its bytes for the rules'
  // literals. The summary is the same either way; --jobs 1 keeps to one thread.
  AnalyzeOptions per_file = options;
  per_file.pipeline.read_ahead = options.pipeline.read_ahead || requested >= 2 * jobs;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++)
      AnalyzeOne(files[i], rules, per_file, &parts[i], &errors[i]);
  };
  std::vector<std::thread> workers;
  for (size_t j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (std::thread& t : workers) t.join();

  AnalyzeBatch batch;
  for (size_t i = 0; i < files.size(); ++i) {
    batch.summary.Merge(parts[i]);
    parts[i] = Summary();  // release as we go: a batch can hold many files
    batch.errors.insert(batch.errors.end(), errors[i].begin(), errors[i].end());
  }
  return batch;
}

}  // namespace sockfilter
