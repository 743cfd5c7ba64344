#include "analyzer/analyze_run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "analyzer/byte_source.h"
#include "analyzer/classify_stage.h"
#include "analyzer/file_pieces.h"
#include "analyzer/file_range_source.h"
#include "analyzer/host/captures.h"
#include "analyzer/summary_sink.h"
#include "analyzer/timestamp.h"
#include "filters/signature.h"

namespace sockfilter {

namespace {

constexpr size_t kSniffBytes = 64 << 10;
constexpr size_t kMaxCaptureBytes = 64 << 20;

// Reads up to `limit` bytes of `source`.
Result<std::string> ReadAll(ByteSource* source, size_t limit) {
  std::string text;
  char buf[1 << 16];
  while (text.size() < limit) {
    Result<size_t> n = source->Read(buf, std::min(sizeof buf, limit - text.size()));
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    text.append(buf, *n);
  }
  return text;
}

// Reads up to `limit` bytes of `path` (decompressed). A host capture is small text.
Result<std::string> ReadHead(const std::string& path, size_t limit) {
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  if (!source.ok()) return source.status();
  return ReadAll(source->get(), limit);
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

// The descriptors of the files that are cut, open until the batch is done.
class OpenFiles {
 public:
  OpenFiles() = default;
  OpenFiles(const OpenFiles&) = delete;
  OpenFiles& operator=(const OpenFiles&) = delete;
  ~OpenFiles() {
    for (int fd : fds_) ::close(fd);
  }
  void Keep(int fd) { fds_.push_back(fd); }

 private:
  std::vector<int> fds_;
};

// A piece of an input: the whole of it (opened by its path when its turn comes), or
// [begin, end) of a plain log file cut so that its pieces are analysed at once
// (analyzer/file_pieces.h), read from the one descriptor opened to cut it.
struct Piece {
  size_t file = 0;
  int fd = -1;  // -1: the whole input
  uint64_t begin = 0;
  uint64_t end = kToEndOfFile;
  bool whole() const { return fd < 0; }
};

// The pieces of `file` (the files[index]) when it is a plain log (not standard input, not
// a pipe, not compressed, not a host capture) in which cuts are found; none otherwise.
// The file stays open in `open`, so that every piece reads the file that was cut whatever
// happens to its path meanwhile (logrotate renames it, a new file takes its name).
std::vector<Piece> CutFile(size_t index, const InputFile& file, size_t wanted,
                           const MultilineRules& multiline, OpenFiles* open) {
  if (file.path == "-") return {};
  int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};  // the error comes when the input is read whole
  std::vector<uint64_t> starts;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    Result<std::string> head =
        ReadAll(MakeFileRangeSource(fd, file.path, 0, kSniffBytes).get(), kSniffBytes);
    if (head.ok() && CompressionOf(*head) == Compression::kNone && DetectCaptureKinds(*head) == 0) {
      starts = PieceStarts(fd, static_cast<uint64_t>(st.st_size), wanted, multiline);
    }
  }
  if (starts.size() < 2) {
    ::close(fd);
    return {};
  }
  open->Keep(fd);
  std::vector<Piece> pieces;
  for (size_t k = 0; k < starts.size(); ++k)
    pieces.push_back({index, fd, starts[k], k + 1 < starts.size() ? starts[k + 1] : kToEndOfFile});
  return pieces;
}

// Each file whole, or (with several jobs) cut into at most `max_pieces` pieces, none
// smaller than `min_piece_bytes`.
std::vector<Piece> PlanPieces(const std::vector<InputFile>& files, const RuleBook& rules,
                              size_t jobs, size_t max_pieces, uint64_t min_piece_bytes,
                              OpenFiles* open) {
  std::vector<Piece> pieces;
  for (size_t i = 0; i < files.size(); ++i) {
    const uint64_t fit = files[i].size / std::max<uint64_t>(1, min_piece_bytes);
    const size_t wanted = jobs < 2 ? 1 : static_cast<size_t>(std::min<uint64_t>(max_pieces, fit));
    std::vector<Piece> cut;
    if (wanted >= 2 && rules.multiline != nullptr)
      cut = CutFile(i, files[i], wanted, *rules.multiline, open);
    if (cut.empty()) cut.push_back({i});
    pieces.insert(pieces.end(), cut.begin(), cut.end());
  }
  return pieces;
}

// Runs a log (the whole of `file`, or a piece of it) into `summary`.
void AnalyzeLog(const InputFile& file, const Piece& piece, const RuleBook& rules,
                const AnalyzeOptions& options, Summary* summary, std::vector<Status>* errors,
                PipelineReport* report) {
  Signer signer(SignatureMode::kNormalized);
  SummarySink::Options sink_options;
  sink_options.default_year = file.mtime_ms > 0 ? YearOf(file.mtime_ms) : CurrentUtcYear();
  sink_options.progress = options.progress;
  SummarySink sink(
      rules.causes, [&signer](const Event& e) { return signer.Sign(e.raw, e.tags.json); }, summary,
      sink_options);
  ClassifyStage classify(rules.classifier, &sink);
  classify.set_default_year(sink_options.default_year);
  if (piece.whole()) {
    RunInput(file.path, rules, options.pipeline, &classify, report);
  } else {
    std::unique_ptr<ByteSource> source =
        MakeFileRangeSource(piece.fd, file.path, piece.begin, piece.end);
    RunSource(source.get(), rules, options.pipeline, &classify, report);
  }
  classify.Finish();
  summary->bytes += report->bytes_in;
  errors->insert(errors->end(), report->errors.begin(), report->errors.end());
}

}  // namespace

void AnalyzeOne(const InputFile& file, const RuleBook& rules, const AnalyzeOptions& options,
                Summary* summary, std::vector<Status>* errors) {
  if (TryCapture(file, summary, errors)) return;
  PipelineReport report;
  AnalyzeLog(file, Piece(), rules, options, summary, errors, &report);
}

AnalyzeBatch AnalyzeFiles(const std::vector<InputFile>& files, const RuleBook& rules,
                          const AnalyzeOptions& options) {
  const size_t requested = static_cast<size_t>(std::max(1, options.jobs));
  const size_t max_pieces = options.max_pieces > 0 ? options.max_pieces : requested;
  OpenFiles open;
  const std::vector<Piece> pieces =
      PlanPieces(files, rules, requested, max_pieces, options.min_piece_bytes, &open);
  std::vector<Summary> parts(pieces.size());
  std::vector<std::vector<Status>> errors(pieces.size());
  std::vector<uint64_t> tail_headers(pieces.size(), 0);
  const size_t jobs = std::clamp<size_t>(requested, 1, std::max<size_t>(1, pieces.size()));
  // Threads that the pieces leave idle (fewer of them than --jobs) read ahead for them: a
  // second thread per piece reads, decompresses and searches its bytes for the rules'
  // literals. The summary is the same either way; --jobs 1 keeps to one thread.
  AnalyzeOptions per_piece = options;
  per_piece.pipeline.read_ahead = options.pipeline.read_ahead || requested >= 2 * jobs;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < pieces.size(); i = next++) {
      const Piece& piece = pieces[i];
      const InputFile& file = files[piece.file];
      if (piece.whole()) {
        AnalyzeOne(file, rules, per_piece, &parts[i], &errors[i]);
        continue;
      }
      PipelineReport report;
      AnalyzeLog(file, piece, rules, per_piece, &parts[i], &errors[i], &report);
      tail_headers[i] = report.tail_headers;
      if (piece.begin > 0) parts[i].inputs = 0;  // the file was counted by its first piece
    }
  };
  std::vector<std::thread> workers;
  for (size_t j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (std::thread& t : workers) t.join();

  AnalyzeBatch batch;
  for (size_t i = 0; i < pieces.size();) {
    // The pieces of one file, [i, end).
    size_t end = i + 1;
    while (end < pieces.size() && pieces[end].file == pieces[i].file) ++end;
    if (end == i + 1) {
      batch.summary.Merge(parts[i]);
      batch.errors.insert(batch.errors.end(), errors[i].begin(), errors[i].end());
      parts[i] = Summary();  // release as we go: a batch can hold many files
      i = end;
      continue;
    }
    Summary file;
    std::vector<Status> file_errors;
    bool redo = false;
    for (size_t k = i; k < end; ++k) {
      file.Merge(parts[k]);
      parts[k] = Summary();
      redo = redo || (k > i && tail_headers[k] > 0);
      for (const Status& e : errors[k]) {
        // A read error of the file may come from each of its pieces: said once.
        auto same = [&e](const Status& b) { return b.message() == e.message(); };
        if (std::none_of(file_errors.begin(), file_errors.end(), same)) file_errors.push_back(e);
      }
    }
    // A later piece met `tail`'s file headers, whose per-file states began in earlier
    // pieces: the pieces do not add up to one pass, so the file is analysed again whole,
    // from the same descriptor (rare: logs of `tail -f a b`). Its pieces have shown its
    // bytes on the progress bar already.
    if (redo) {
      AnalyzeOptions again = options;
      again.progress = nullptr;
      file = Summary();
      file_errors.clear();
      PipelineReport report;
      const Piece whole = {pieces[i].file, pieces[i].fd, 0, kToEndOfFile};
      AnalyzeLog(files[whole.file], whole, rules, again, &file, &file_errors, &report);
    }
    batch.summary.Merge(file);
    batch.errors.insert(batch.errors.end(), file_errors.begin(), file_errors.end());
    i = end;
  }
  return batch;
}

}  // namespace sockfilter
