// Progress: a one-line progress bar on stderr for long `analyze` batches — bytes done,
// rate and, when the total is known, the share done and the time left.
//
// Workers add bytes from any thread (AddBytes is one relaxed atomic add; SummarySink calls
// it about once per MiB). A reporter thread redraws the line every 250 ms and erases it at
// Stop(). Built only when stderr is a terminal and the batch is large; otherwise the
// command passes no Progress and nothing is drawn.
//
//   Progress progress(total_bytes);
//   progress.Start();
//   ... workers: progress.AddBytes(n);
//   progress.Stop();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace sockfilter {

class Progress {
 public:
  // `total_bytes`: 0 when unknown (compressed inputs, stdin).
  explicit Progress(uint64_t total_bytes) : total_(total_bytes) {}
  ~Progress() { Stop(); }

  void AddBytes(uint64_t n) { done_.fetch_add(n, std::memory_order_relaxed); }
  void Start();
  void Stop();

  // Whether a batch of `files` and `bytes` deserves a bar on an interactive stderr.
  static bool Wanted(size_t files, uint64_t bytes);

 private:
  void Draw(bool final_line);

  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
};

}  // namespace sockfilter
