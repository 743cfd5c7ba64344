#include "filters/compactor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "analyzer/compress_sink.h"
#include "analyzer/shutdown.h"
#include "filters/safe_replace.h"

namespace sockfilter {

struct CompactInput {
  struct stat st {};
  int fd = -1;  // owned by `source`
  std::unique_ptr<ByteSource> source;
};

namespace {

// Sends every event to the summary (when there is one) and to the filter chain.
class TeeSink : public EventSink {
 public:
  TeeSink(EventSink* side, EventSink* main) : side_(side), main_(main) {}
  void BeginInput(const InputInfo& input) override {
    if (side_) side_->BeginInput(input);
    main_->BeginInput(input);
  }
  void OnEvent(const Event& event) override {
    if (side_) side_->OnEvent(event);
    main_->OnEvent(event);
  }
  void EndInput(const InputInfo& input) override {
    if (side_) side_->EndInput(input);
    main_->EndInput(input);
  }
  void Idle() override { main_->Idle(); }
  void Finish() override {
    if (side_) side_->Finish();
    main_->Finish();
  }
  bool ok() const override { return main_->ok(); }

 private:
  EventSink* side_;
  EventSink* main_;
};

Status Refused(const std::string& path, const std::string& why) {
  return Status::Error(path + ": " + why + "; refusing");
}

// `problem` already names the file.
Status Unchanged(const std::string& problem) {
  return Status::Error(problem + "; original left unchanged");
}

Status Unchanged(const std::string& path, const std::string& problem) {
  return Unchanged(path + ": " + problem);
}

Status CheckReplaceable(const std::string& path, const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return Refused(path, "is a symbolic link (compact its target)");
  if (!S_ISREG(st.st_mode)) return Refused(path, "not a regular file");
  if (geteuid() != 0 && st.st_uid != geteuid()) {
    return Refused(path, "owned by uid " + std::to_string(st.st_uid) +
                             ", cannot replace it keeping its owner (run as root or as the owner)");
  }
  return Status::Ok();
}

// lstat first, so a symlink is refused rather than followed; O_NOFOLLOW and the inode
// check close the race with a rename in between. O_NONBLOCK: opening a FIFO must not hang.
Result<CompactInput> OpenChecked(const std::string& path) {
  CompactInput in;
  if (lstat(path.c_str(), &in.st) != 0) return Status::Error(path + ": " + strerror(errno));
  Status s = CheckReplaceable(path, in.st);
  if (!s.ok()) return s;
  in.fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (in.fd < 0) return Status::Error(path + ": " + strerror(errno));
  struct stat now;
  if (fstat(in.fd, &now) != 0 || now.st_dev != in.st.st_dev || now.st_ino != in.st.st_ino) {
    ::close(in.fd);
    return Refused(path, "changed while being opened");
  }
  posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Result<std::unique_ptr<ByteSource>> source = OpenDescriptor(in.fd, path, true);
  if (!source.ok()) return source.status();
  in.source = std::move(*source);
  return in;
}

// A file still being written to would lose what is appended after we read it.
bool ChangedSince(const CompactInput& in) {
  struct stat now;
  if (fstat(in.fd, &now) != 0) return true;
  return now.st_size != in.st.st_size || now.st_mtim.tv_sec != in.st.st_mtim.tv_sec ||
         now.st_mtim.tv_nsec != in.st.st_mtim.tv_nsec;
}

const char* ExtensionOf(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return ".gz";
    case Compression::kZstd:
      return ".zst";
    case Compression::kNone:
      break;
  }
  return "";
}

std::string SummaryPath(const CompactOptions& options, const std::string& output_path) {
  if (options.summary_dir.empty()) return output_path + ".sockfilter.json";
  return options.summary_dir + "/" + BaseName(output_path) + ".sockfilter.json";
}

// The summary already beside the output, or "" when there is none (or it cannot be read:
// then a new one is written, as for a file compacted the first time).
std::string ExistingSummary(const CompactOptions& options, const std::string& output_path) {
  std::ifstream in(SummaryPath(options, output_path), std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return in.bad() ? "" : text.str();
}

Status WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Error(std::string("write failed: ") + strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string OutputName(const std::string& path, Compression input, Compression output) {
  if (input == output) return path;
  std::string base = path;
  std::string old_ext = ExtensionOf(input);
  if (!old_ext.empty() && base.size() > old_ext.size() &&
      base.compare(base.size() - old_ext.size(), old_ext.size(), old_ext) == 0) {
    base.resize(base.size() - old_ext.size());
  }
  return base + ExtensionOf(output);
}

Compactor::Compactor(const RuleBook& rules, CompactOptions options, ChainFactory chain,
                     SummaryFactory summary)
    : rules_(rules),
      options_(std::move(options)),
      chain_(std::move(chain)),
      summary_(std::move(summary)) {}

Result<CompactResult> Compactor::Compact(const std::string& path) {
  Result<CompactInput> in = OpenChecked(path);
  if (!in.ok()) return in.status();
  CompactResult result;
  result.path = path;
  result.dry_run = options_.dry_run;
  result.input = in->source->compression();
  result.output = options_.compress.value_or(result.input);
  result.output_path = OutputName(path, result.input, result.output);
  result.bytes_before = static_cast<uint64_t>(in->st.st_size);
  struct stat existing;
  if (result.output_path != path && lstat(result.output_path.c_str(), &existing) == 0)
    return Refused(path, result.output_path + " already exists");

  SafeReplace replace;
  int out_fd = -1;
  if (options_.dry_run) {
    if (access(DirectoryOf(path).c_str(), W_OK | X_OK) != 0)
      return Refused(path, std::string("cannot write its directory: ") + strerror(errno));
    out_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (out_fd < 0) return Status::Error(std::string("/dev/null: ") + strerror(errno));
  } else {
    Status s = replace.Begin(path, in->st);
    if (!s.ok()) return Unchanged(path, s.message());
    out_fd = replace.fd();
  }
  std::string summary_json;
  Status s = Filter(&*in, out_fd, &result, &summary_json);
  if (options_.dry_run) ::close(out_fd);
  if (!s.ok()) return s;
  if (options_.dry_run) return result;
  return Commit(*in, &replace, summary_json, std::move(result));
}

Status Compactor::Filter(CompactInput* in, int out_fd, CompactResult* result,
                         std::string* summary_json) {
  const std::string& path = result->path;
  CompressSink out(out_fd, path, result->output, options_.level);
  Result<std::unique_ptr<CompactChain>> chain = chain_(&out, TimeMs{in->st.st_mtim.tv_sec} * 1000);
  if (!chain.ok()) return chain.status();
  std::unique_ptr<CompactSummary> summary;
  if (options_.summary && !options_.dry_run && summary_)
    summary = summary_(path, TimeMs{in->st.st_mtim.tv_sec} * 1000);
  TeeSink tee(summary.get(), (*chain)->head());
  // Compressed output is encoded on a thread of its own (CompressSink): the read-ahead
  // thread is one more, and only pays where a core is left for it.
  PipelineOptions pipeline = options_.pipeline;
  const unsigned threads = result->output == Compression::kNone ? 2 : 3;
  pipeline.read_ahead = pipeline.read_ahead && std::thread::hardware_concurrency() >= threads;
  PipelineReport report;
  RunSource(in->source.get(), rules_, pipeline, &tee, &report);
  tee.Finish();
  out.Finish();  // a chain may not forward Finish() to its sink; a second call is a no-op
  if (ShutdownRequested()) return Unchanged(path, "interrupted by a signal");
  if (!report.errors.empty()) return Unchanged(report.errors.front().message());
  if (!out.status().ok()) return Unchanged(out.status().message());
  if (ChangedSince(*in))
    return Unchanged(path, "changed while being compacted (still written to?)");
  result->bytes_after = out.bytes_out();
  result->events_suppressed = (*chain)->events_suppressed();
  result->stats_json = (*chain)->stats_json();
  // Compacting a compacted file again: the summary of its original, beside it, says more
  // than one made from its markers (the same counts, without lines, peers and times). Only
  // then is a summary already there read.
  if (summary && summary->HeldMarkers() &&
      summary->IsOriginalOf(ExistingSummary(options_, result->output_path))) {
    result->summary_kept = true;
  } else if (summary) {
    Result<std::string> json = summary->Json();
    if (!json.ok()) return Unchanged(path, "summary: " + json.status().message());
    *summary_json = std::move(*json);
  }
  return Status::Ok();
}

// The summary's temporary file is written and synced before the log is swapped, so a
// failure there leaves everything as it was; it is renamed into place right after.
Result<CompactResult> Compactor::Commit(const CompactInput& in, SafeReplace* replace,
                                        const std::string& summary_json, CompactResult result) {
  const std::string& path = result.path;
  SafeReplace summary;
  std::string summary_path;
  if (result.summary_kept) {
    result.summary_path = SummaryPath(options_, result.output_path);
  } else if (options_.summary && summary_) {
    summary_path = SummaryPath(options_, result.output_path);
    Status s = summary.Begin(summary_path, in.st, /*keep_times=*/false);
    if (s.ok()) s = WriteAll(summary.fd(), summary_json + "\n");
    if (!s.ok()) return Unchanged(path, "summary " + summary_path + ": " + s.message());
  }
  Status s = replace->Commit(result.output_path);
  if (!s.ok() && replace->temp_path().empty())  // renamed: only the old name's removal failed
    return Status::Error(path + ": compacted into " + result.output_path + ", but " + s.message());
  if (!s.ok()) return Unchanged(path, s.message());
  if (!summary_path.empty()) {
    s = summary.Commit(summary_path);
    if (!s.ok()) {
      return Status::Error(path + ": compacted, but the summary " + summary_path +
                           " could not be written: " + s.message());
    }
    result.summary_path = summary_path;
  }
  return result;
}

}  // namespace sockfilter
