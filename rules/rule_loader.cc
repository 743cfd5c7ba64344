#include "rules/rule_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "rules/rule_problems.h"

namespace sockfilter {

namespace {

std::string Where(const RuleFile& file, const toml::source_region& region) {
  std::ostringstream out;
  out << file.name << ":" << region.begin.line << ":" << region.begin.column;
  return out.str();
}

// What messages about a table say after its place: "rule ID: " once its id is known.
std::string Context(const char* what, const toml::table& table) {
  const auto* id = table.get_as<std::string>("id");
  return id == nullptr ? std::string() : std::string(what) + " " + id->get() + ": ";
}

Status ReadStrings(const RuleFile& file, const toml::table& table, const char* key,
                   const std::string& context, std::vector<std::string>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  if (const toml::array* array = node->as_array()) {
    for (const toml::node& item : *array) {
      const auto* value = item.as_string();
      if (value == nullptr)
        return Status::Error(Where(file, item.source()) + ": " + context + "`" + key +
                             "` must list strings");
      out->push_back(value->get());
    }
    return Status::Ok();
  }
  if (const auto* value = node->as_string()) {
    out->push_back(value->get());
    return Status::Ok();
  }
  return Status::Error(Where(file, node->source()) + ": " + context + "`" + key +
                       "` must be a string list");
}

Result<std::string> ReadString(const RuleFile& file, const toml::table& table, const char* key,
                               const std::string& context) {
  const toml::node* node = table.get(key);
  if (node == nullptr || !node->is_string())
    return Status::Error(Where(file, table.source()) + ": " + context + "missing string `" + key +
                         "`");
  return node->as_string()->get();
}

// Reads each (key, field) with ReadString, in order; the first missing one is the error.
Status ReadRequiredStrings(const RuleFile& file, const toml::table& table,
                           std::initializer_list<std::pair<const char*, std::string*>> fields,
                           const std::string& context) {
  for (auto [key, field] : fields) {
    Result<std::string> value = ReadString(file, table, key, context);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  return Status::Ok();
}

// Fails on a key the table does not know: a misspelt `counter_example` would otherwise
// silently check nothing.
Status CheckKeys(const RuleFile& file, const toml::table& table,
                 std::initializer_list<std::string_view> known, const std::string& context) {
  for (const auto& [key, value] : table) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end())
      return Status::Error(Where(file, value.source()) + ": " + context + "unknown key `" +
                           std::string(key.str()) + "`");
  }
  return Status::Ok();
}

Result<ClassifyRuleSpec> ReadClassifyRule(const RuleFile& file, const toml::table& table,
                                          ClassifyRuleSpec::Kind kind) {
  bool is_cause = kind == ClassifyRuleSpec::Kind::kCause;
  const std::string context = Context("rule", table);
  Status s =
      is_cause
          ? CheckKeys(file, table,
                      {"id", "cause", "pattern", "description", "examples", "counter_examples"},
                      context)
          : CheckKeys(file, table,
                      {"id", "root", "pattern", "description", "examples", "counter_examples"},
                      context);
  if (!s.ok()) return s;
  ClassifyRuleSpec spec;
  spec.kind = kind;
  spec.source = file.name;
  spec.built_in = file.built_in;
  std::string root;
  s = ReadRequiredStrings(file, table,
                          {{"id", &spec.id},
                           {"pattern", &spec.pattern},
                           is_cause ? std::pair{"cause", &spec.cause} : std::pair{"root", &root}},
                          context);
  if (!s.ok()) return s;
  if (!is_cause && root != "first" && root != "last")
    return Status::Error(Where(file, table.source()) + ": " + context +
                         "`root` must be \"first\" or \"last\"");
  spec.root_first = root == "first";
  if (const auto* text = table.get_as<std::string>("description")) spec.description = text->get();
  for (auto [key, field] : {std::pair{"examples", &spec.examples},
                            std::pair{"counter_examples", &spec.counter_examples}}) {
    Status st = ReadStrings(file, table, key, context, field);
    if (!st.ok()) return st;
  }
  return spec;
}

Result<MultilineRuleSpec> ReadMultilineRule(const RuleFile& file, const toml::table& table) {
  const std::string context = Context("rule", table);
  Status s = CheckKeys(file, table,
                       {"id", "description", "from", "to", "prefix", "pattern", "contains",
                        "examples", "counter_examples"},
                       context);
  if (!s.ok()) return s;
  MultilineRuleSpec spec;
  spec.source = file.name;
  s = ReadRequiredStrings(file, table, {{"id", &spec.id}, {"to", &spec.to}}, context);
  if (!s.ok()) return s;
  if (table.contains("pattern")) {
    Result<std::string> value = ReadString(file, table, "pattern", context);
    if (!value.ok()) return value.status();
    spec.pattern = *value;
  }
  for (auto [key, field] :
       {std::pair{"from", &spec.from}, std::pair{"prefix", &spec.prefixes},
        std::pair{"contains", &spec.contains}, std::pair{"examples", &spec.examples},
        std::pair{"counter_examples", &spec.counter_examples}}) {
    s = ReadStrings(file, table, key, context, field);
    if (!s.ok()) return s;
  }
  return spec;
}

Result<PeerRuleSpec> ReadPeerRule(const RuleFile& file, const toml::table& table) {
  const std::string context = "peer " + Context("rule", table);
  Status s = CheckKeys(
      file, table,
      {"id", "description", "pattern", "causes", "contains", "examples", "counter_examples"},
      context);
  if (!s.ok()) return s;
  PeerRuleSpec spec;
  spec.source = file.name;
  spec.built_in = file.built_in;
  s = ReadRequiredStrings(file, table, {{"id", &spec.id}, {"pattern", &spec.pattern}}, context);
  if (!s.ok()) return s;
  if (const auto* text = table.get_as<std::string>("description")) spec.description = text->get();
  for (auto [key, field] :
       {std::pair{"causes", &spec.causes}, std::pair{"contains", &spec.contains},
        std::pair{"examples", &spec.examples},
        std::pair{"counter_examples", &spec.counter_examples}}) {
    s = ReadStrings(file, table, key, context, field);
    if (!s.ok()) return s;
  }
  return spec;
}

Result<CauseInfo> ReadCause(const RuleFile& file, const toml::table& table) {
  const std::string context = Context("cause", table);
  Status s = CheckKeys(file, table, {"id", "description"}, context);
  if (!s.ok()) return s;
  CauseInfo cause;
  s = ReadRequiredStrings(file, table, {{"id", &cause.id}, {"description", &cause.description}},
                          context);
  if (!s.ok()) return s;
  return cause;
}

// Reads the tables of every file into specs, noting every problem on the way: a file with a
// TOML syntax error stops there, a table with a problem is left out, the other tables and
// files are still read (and compiled), so that each of their problems is reported too.
class BookReader {
 public:
  void Read(const RuleFile& file) {
    toml::table root;
    try {
      root = toml::parse(file.text, file.name);
    } catch (const toml::parse_error& error) {
      problems_.Add(Where(file, error.source()) + ": " + std::string(error.description()));
      return;
    }
    CheckTopLevel(file, root);
    ReadTables<MultilineRuleSpec>(file, root, "multiline", "rule", &multiline_, ReadMultilineRule);
    ReadTables<CauseInfo>(file, root, "cause", "cause", &causes_,
                          [this](const RuleFile& f, const toml::table& t) {
                            Result<CauseInfo> cause = ReadCause(f, t);
                            // Its problem is said once: the rules that name it are not
                            // told that it does not exist as well.
                            if (const auto* id = t.get_as<std::string>("id"); !cause.ok() && id)
                              unread_causes_.push_back(id->get());
                            return cause;
                          });
    ReadTables<PeerRuleSpec>(file, root, "peer", "peer rule", &peers_, ReadPeerRule);
    for (auto [name, kind] : {std::pair{"rule", ClassifyRuleSpec::Kind::kCause},
                              std::pair{"chain", ClassifyRuleSpec::Kind::kChain}}) {
      ReadTables<ClassifyRuleSpec>(file, root, name, "rule", &classify_,
                                   [kind = kind](const RuleFile& f, const toml::table& t) {
                                     return ReadClassifyRule(f, t, kind);
                                   });
    }
  }

  // A rule file holds arrays of tables only, of the four kinds read: anything else (a
  // misspelt `[[rules]]`, a single `[rule]` table, a stray `key = value`) would otherwise
  // be read as nothing, and the rules it was meant to hold would silently not exist.
  void CheckTopLevel(const RuleFile& file, const toml::table& root) {
    static constexpr std::string_view kKinds[] = {"multiline", "cause", "rule", "chain", "peer"};
    for (const auto& [key, value] : root) {
      const std::string name(key.str());
      if (std::find(std::begin(kKinds), std::end(kKinds), key.str()) == std::end(kKinds)) {
        problems_.Add(Where(file, value.source()) + ": unknown table or key `" + name +
                      "` (a rule file holds [[rule]], [[chain]], [[peer]], [[cause]] and "
                      "[[multiline]] tables)");
      } else if (!value.is_array()) {
        problems_.Add(Where(file, value.source()) + ": `" + name + "` must be written [[" + name +
                      "]], an array of tables");
      }
    }
  }

  // Once, after every file was read.
  Result<RuleBook> Compile(ExampleChecks checks) {
    RuleBook book;
    auto multiline = MultilineRules::Compile(Values(&multiline_));
    if (multiline.ok()) book.multiline = *multiline;
    problems_.Add(multiline.status());
    std::vector<std::string> cause_ids;
    for (const Defined<CauseInfo>& cause : causes_) cause_ids.push_back(cause.value.id);
    // Not a book to return (its cause has a problem), but rules may still name it.
    cause_ids.insert(cause_ids.end(), unread_causes_.begin(), unread_causes_.end());
    auto classifier = Classifier::Compile(Values(&classify_), cause_ids, checks, Values(&peers_));
    if (classifier.ok()) book.classifier = *classifier;
    problems_.Add(classifier.status());
    if (!problems_.empty()) return problems_.ToStatus();
    for (Defined<CauseInfo>& cause : causes_) book.causes.push_back(std::move(cause.value));
    return book;
  }

 private:
  // A table's value, the file that defined it and that file's OverrideLayer.
  template <class T>
  struct Defined {
    T value;
    std::string file;
    int layer;
  };

  template <class T>
  static std::vector<T> Values(std::vector<Defined<T>>* defined) {
    std::vector<T> values;
    for (Defined<T>& d : *defined) values.push_back(std::move(d.value));
    return values;
  }

  // Reads the `[[name]]` tables of `file` with `read` into `defined`: a new id is added, a
  // known one replaced where overriding is allowed (see MayOverride).
  template <class T, class Read>
  void ReadTables(const RuleFile& file, const toml::table& root, const char* name, const char* what,
                  std::vector<Defined<T>>* defined, Read read) {
    const toml::array* array = root[name].as_array();
    if (array == nullptr) return;
    for (const toml::node& node : *array) {
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        problems_.Add(Where(file, node.source()) + ": not a table");
        continue;
      }
      Result<T> value = read(file, *table);
      if (!value.ok()) {
        problems_.Add(value.status());
        continue;
      }
      auto same_id = [&](const Defined<T>& other) { return other.value.id == value->id; };
      auto existing = std::find_if(defined->begin(), defined->end(), same_id);
      if (existing == defined->end()) {
        defined->push_back({std::move(*value), file.name, OverrideLayer(file)});
      } else if (MayOverride(file, *table, what, value->id, existing->file, existing->layer)) {
        *existing = {std::move(*value), file.name, OverrideLayer(file)};
      }
    }
  }

  // Whether `table` of `file` may redefine `id`, defined before in the file named `earlier`
  // of layer `earlier_layer`.
  // A file of a later layer may (a --rules directory over the default rules, or over the
  // --rules directories named before it): that is what --rules is for. The same id twice in
  // one file, or in two files of one layer (the default rules, or one directory, whose files
  // come in no order that means anything), is ambiguous, and a problem.
  bool MayOverride(const RuleFile& file, const toml::table& table, const char* what,
                   const std::string& id, const std::string& earlier, int earlier_layer) {
    const std::string duplicate = Where(file, table.source()) + ": duplicate " + what + " id " + id;
    if (earlier == file.name) {
      problems_.Add(duplicate);
      return false;
    }
    const int layer = OverrideLayer(file);
    if (earlier_layer < layer) return true;
    problems_.Add(duplicate + ", also defined in " + earlier +
                  (layer == 0 ? ""
                              : " (the files of one rules directory must not define one id "
                                "twice; a later --rules directory overrides an earlier one)"));
    return false;
  }

  std::vector<Defined<MultilineRuleSpec>> multiline_;
  std::vector<Defined<CauseInfo>> causes_;
  std::vector<std::string> unread_causes_;           // ids of [[cause]] tables with a problem
  std::vector<Defined<ClassifyRuleSpec>> classify_;  // [[rule]] and [[chain]]: one id space
  std::vector<Defined<PeerRuleSpec>> peers_;
  RuleProblems problems_;
};

}  // namespace

Result<RuleBook> LoadRuleBook(const std::vector<RuleFile>& files, ExampleChecks checks) {
  BookReader reader;
  for (const RuleFile& file : files) reader.Read(file);
  return reader.Compile(checks);
}

}  // namespace sockfilter
