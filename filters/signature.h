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
// Speed: one pass over the event's bytes with a hand-written scanner. Masking is line-local
// (no mask spans a line break), and the continuation lines of stack traces repeat verbatim
// from event to event, so Sign() remembers the masked form of recent continuation lines
// (filters/line_memo.h: up to 256 bytes each, direct-mapped, 4096 lines, about 2 MiB per
// Signer allocated on first use): a repeated line costs a hash and a memcmp of its raw
// bytes instead of the scanner. A JSON record's stack trace is one line of "\n" escapes;
// its pieces from one escape to the next are remembered the same way (no mask reads past a
// backslash, so the pieces mask as the whole line does). A remembered line is found by comparing
// its bytes, never by a hash alone, and the value hashed is the same, so the memo changes no
// signature: Sign() is always the StreamHash of Normalize()'s text. The first line (header dropped)
// is masked every time; it holds the ids and addresses that differ between repeats.
//
// Threads: Sign() updates the memo, so a Signer is used by one thread at a time; each
// thread that signs has its own (analyze makes one per input file, each DedupeFilter owns
// one). Normalize() only reads the mode. A copy starts with an empty memo.
//
//   Signer signer(SignatureMode::kNormalized);
//   uint64_t sig = signer.Sign(event.raw, event.tags.json);
//   char hex[16];
//   FormatSignature(sig, hex);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sockfilter {

enum class SignatureMode : uint8_t { kNormalized, kRaw };

// Parses "normalized" / "raw" (the values of --signature); false when unknown.
bool ParseSignatureMode(std::string_view text, SignatureMode* mode);

class Signer {
 public:
  explicit Signer(SignatureMode mode);
  ~Signer();
  Signer(const Signer& other);
  Signer& operator=(const Signer& other);

  // The signature of an event's bytes (every line, terminators included). `json`: the
  // event is one JSON object line (its leading volatile keys are the header). Not const:
  // it remembers masked lines and the signatures of bodies of several lines (see Threads
  // above).
  uint64_t Sign(std::string_view raw, bool json);

  // The text that Sign() hashes, with masks written out ("<N>", "<IP>", ...). Masks the
  // whole text in one pass without the memo: the reference Sign() is tested against.
  std::string Normalize(std::string_view raw, bool json) const;

 private:
  class Memo;  // filters/body_memo.h, filters/line_memo.h and a buffer to mask into

  SignatureMode mode_;
  std::unique_ptr<Memo> memo_;  // created by the first Sign() that needs it
};

// The masking of normalized signatures applied to `text` as it is (no header dropped).
// Mask passes over plain text in SIMD steps; MaskByteByByte looks at every byte, the
// reference tests compare it with.
std::string Mask(std::string_view text);
std::string MaskByteByByte(std::string_view text);

// Where the body of `line` starts: the length of its per-line header (0 when it has
// none). `json`: the line is a JSON object.
size_t HeaderLength(std::string_view line, bool json);

// Writes the 16 lowercase hex digits of `sig` to `out` (no terminator).
void FormatSignature(uint64_t sig, char* out);
std::string FormatSignature(uint64_t sig);

}  // namespace sockfilter
