// Status and Result<T>: errors as values at module edges.
//
// The core never throws across a module boundary and never prints. A fallible call
// returns a Status (ok, or one human-readable message that already names the file or
// rule at fault); Result<T> carries a value or that Status. `main` turns the final
// Status into one line on stderr and an exit code.
//
//   Result<int> r = ParseCount(text);
//   if (!r.ok()) return r.status();
//   int n = *r;
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace sockfilter {

class Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  const std::string& message() const {
    static const std::string kOk = "ok";
    return message_ ? *message_ : kOk;
  }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace sockfilter
