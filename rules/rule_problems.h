// RuleProblems: every problem found in a set of rule files, so that one load (and one run of
// `sockfilter rules check`) reports them all rather than the first.
//
//   RuleProblems problems;
//   problems.Add(file + ": rule " + id + ": unknown cause `x`");
//   problems.Add(CompileSomething());           // a failed Status adds its message
//   if (!problems.empty()) return problems.ToStatus();
//
// Each problem is one line that names the file and the rule; the Status holds them in the
// order they were found, one per line.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analyzer/status.h"

namespace sockfilter {

class RuleProblems {
 public:
  void Add(std::string problem) { problems_.push_back(std::move(problem)); }
  // Adds the message of `status` when it failed (its lines are problems already).
  void Add(const Status& status) {
    if (!status.ok()) problems_.push_back(status.message());
  }
  bool empty() const { return problems_.empty(); }

  // Ok when there is no problem, else an error whose message holds every problem, one per line.
  Status ToStatus() const {
    if (problems_.empty()) return Status::Ok();
    std::string message;
    for (const std::string& problem : problems_) message += (message.empty() ? "" : "\n") + problem;
    return Status::Error(std::move(message));
  }

 private:
  std::vector<std::string> problems_;
};

}  // namespace sockfilter
