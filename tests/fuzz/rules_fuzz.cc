// Fuzz target: the rules loader (LoadRuleBook) on an arbitrary rule file.
//
// The input is one TOML file, loaded after the project's causes.toml as `--rules DIR`
// would load it. Invariants:
//   - a refused file gets one message that names it (so the user can find it);
//   - a loaded book is usable: the multiline state machine and the classifier run over
//     the file's own lines (plenty of near-misses for its patterns), every state reached
//     is a valid index, and a classification's cause, cause bits and captured views stay
//     within the taxonomy and the text.
#include <string>
#include <string_view>

#include "rules/rule_files.h"
#include "rules/rule_loader.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

const RuleFile& Causes() {
  static const RuleFile* causes = [] {
    for (const RuleFile& file : EmbeddedRuleFiles())
      if (file.name.ends_with("/causes.toml")) return &file;
    std::fprintf(stderr, "no embedded causes.toml\n");
    std::abort();
  }();
  return *causes;
}

bool Within(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void Exercise(const RuleBook& book, std::string_view text) {
  Classifier::Scratch scratch;
  Classification found = book.classifier->Classify(text, &scratch);
  FUZZ_CHECK(found.cause >= -1 && found.cause < static_cast<int>(book.causes.size()));
  if (book.causes.size() < 32) FUZZ_CHECK((found.causes >> book.causes.size()) == 0);
  FUZZ_CHECK((found.cause < 0) == (found.causes == 0));
  FUZZ_CHECK(Within(found.peer, text) && Within(found.errno_text, text) &&
             Within(found.endpoint, text));

  const MultilineRules& multiline = *book.multiline;
  int state = multiline.record_state();
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    int next = -1;
    if (!line.empty() && multiline.Continues(state, line, &next)) {
      FUZZ_CHECK(next >= 0);  // an index into the state table (ASan checks the next use)
      state = next;
    } else {
      state = multiline.record_state();
    }
    begin = end + 1;
  }
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<RuleFile> files = {fuzz::Causes(), RuleFile{"fuzz.toml", text}};
  Result<RuleBook> book = LoadRuleBook(files);
  if (!book.ok()) {
    FUZZ_CHECK(book.status().message().find("fuzz.toml") != std::string::npos);
    return 0;
  }
  fuzz::Exercise(*book, text);
  return 0;
}
