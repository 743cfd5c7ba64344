// Signature: what makes two events "the same" for flood suppression.
//
// An event's signature is a stable 64-bit hash (printed as 16 lowercase hex digits) of its
// normalized text:
//   * the per-line header of the first line is dropped: timestamp, level, pid, thread,
//     logger (`2024-03-11 03:13:29.842 ERROR 2249 --- [nio-8080-exec-2] c.a.Foo : `,
//     `[ts: WARNING/ForkPoolWorker-8] `, `ts=.. level=.. `, `Mar 11 03:13:30 host prog[7]: `,
//     and the leading volatile keys of a JSON object: "time", "pid", "thread_name", ...);
//   * in the rest, variable parts are masked: UUIDs (<UUID>), IPv4 addresses with their
//     port (<IP>), IPv6 addresses (<IP6>), 0x-hex, words of 8+ hex digits and hex after
//     `@` (<HEX>), and every other run of digits (<N>; a decimal fraction counts as one
//     number). So timestamps, ports, counters, durations (`461ms` -> `<N>ms`), thread ids
//     (`Thread-42`, `goroutine 17`, `ForkPoolWorker-3`) and stack-frame line numbers fall
//     away, while exception classes, errno text, module, class and function names stay;
//   * line terminators are unified and runs of blanks count as one space.
// SignatureMode::kRaw hashes the text after the header without masking.
//
// The hash is written out byte by byte (no dependence on endianness, word size, locale or
// a per-process seed): the same text gives the same signature on every run and machine.
//
// Speed: one pass over the event's bytes with a hand-written scanner; no allocation
// (Normalize() into a string is for tests and debugging).
//
//   Signer signer(SignatureMode::kNormalized);
//   uint64_t sig = signer.Sign(event.raw, event.tags.json);
//   char hex[16];
//   FormatSignature(sig, hex);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sockfilter {

enum class SignatureMode : uint8_t { kNormalized, kRaw };

// Parses "normalized" / "raw" (the values of --signature); false when unknown.
bool ParseSignatureMode(std::string_view text, SignatureMode* mode);

class Signer {
 public:
  explicit Signer(SignatureMode mode) : mode_(mode) {}

  // The signature of an event's bytes (every line, terminators included). `json`: the
  // event is one JSON object line (its leading volatile keys are the header).
  uint64_t Sign(std::string_view raw, bool json) const;

  // The text that Sign() hashes, with masks written out ("<N>", "<IP>", ...).
  std::string Normalize(std::string_view raw, bool json) const;

 private:
  SignatureMode mode_;
};

// Where the body of `line` starts: the length of its per-line header (0 when it has
// none). `json`: the line is a JSON object.
size_t HeaderLength(std::string_view line, bool json);

// Writes the 16 lowercase hex digits of `sig` to `out` (no terminator).
void FormatSignature(uint64_t sig, char* out);
std::string FormatSignature(uint64_t sig);

}  // namespace sockfilter
