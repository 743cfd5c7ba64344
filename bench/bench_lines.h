// Lines for the micro-benchmarks: the first lines of a corpus made by gen_corpus.py
// ($SOCKFILTER_BENCH_CORPUS, default /tmp/corpus/default-64m.log), or none when absent.
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace sockfilter::bench {

// Up to `count` lines of the corpus for which `keep(line)` is true.
template <typename Keep>
std::vector<std::string> CorpusLines(size_t count, Keep keep) {
  const char* env = std::getenv("SOCKFILTER_BENCH_CORPUS");
  std::ifstream in(env ? env : "/tmp/corpus/default-64m.log");
  std::vector<std::string> lines;
  std::string line;
  while (lines.size() < count && std::getline(in, line)) {
    if (keep(line)) lines.push_back(line);
  }
  return lines;
}

}  // namespace sockfilter::bench
