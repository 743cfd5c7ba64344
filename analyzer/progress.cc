#include "analyzer/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace sockfilter {

namespace {

std::string Bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) b /= 1024, ++u;
  return fmt::format("{:.1f} {}", b, units[u]);
}

}  // namespace

bool Progress::Wanted(size_t files, uint64_t bytes) {
  return isatty(STDERR_FILENO) == 1 && (bytes >= (uint64_t{256} << 20) || files >= 16);
}

void Progress::Start() {
  start_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; }))
      Draw(false);
  });
}

void Progress::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Draw(true);
}

void Progress::Draw(bool final_line) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double done = static_cast<double>(done_.load(std::memory_order_relaxed));
  double rate = seconds > 0 ? done / seconds : 0;
  std::string line = fmt::format("analyze: {} read, {}/s", Bytes(done), Bytes(rate));
  if (total_ > 0 && done <= static_cast<double>(total_)) {
    double share = done / static_cast<double>(total_);
    int width = 20;
    int filled = static_cast<int>(share * width);
    line = fmt::format("[{}{}] {:3.0f}% ", std::string(filled, '#'),
                       std::string(width - filled, '.'), share * 100) +
           line;
    if (rate > 0) line += fmt::format(", ETA {:.0f}s", (static_cast<double>(total_) - done) / rate);
  }
  // \r and clear-to-end: the bar redraws in place and leaves nothing behind at the end.
  std::string out = "\r" + line + "\x1b[K";
  if (final_line) out = "\r\x1b[K";
  ssize_t ignored = write(STDERR_FILENO, out.data(), out.size());
  (void)ignored;
}

}  // namespace sockfilter
