#include "rules/rule_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

namespace sockfilter {

namespace {

std::string Where(const RuleFile& file, const toml::source_region& region) {
  std::ostringstream out;
  out << file.name << ":" << region.begin.line << ":" << region.begin.column;
  return out.str();
}

Status ReadStrings(const RuleFile& file, const toml::table& table, const char* key,
                   std::vector<std::string>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  if (const toml::array* array = node->as_array()) {
    for (const toml::node& item : *array) {
      const auto* value = item.as_string();
      if (value == nullptr)
        return Status::Error(Where(file, item.source()) + ": `" + key + "` must list strings");
      out->push_back(value->get());
    }
    return Status::Ok();
  }
  if (const auto* value = node->as_string()) {
    out->push_back(value->get());
    return Status::Ok();
  }
  return Status::Error(Where(file, node->source()) + ": `" + key + "` must be a string list");
}

Result<std::string> ReadString(const RuleFile& file, const toml::table& table, const char* key) {
  const toml::node* node = table.get(key);
  if (node == nullptr || !node->is_string())
    return Status::Error(Where(file, table.source()) + ": missing string `" + key + "`");
  return node->as_string()->get();
}

Status ParseMultiline(const RuleFile& file, const toml::table& root,
                      std::vector<MultilineRuleSpec>* specs) {
  const toml::array* array = root["multiline"].as_array();
  if (array == nullptr) return Status::Ok();
  for (const toml::node& node : *array) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Status::Error(Where(file, node.source()) + ": not a table");
    MultilineRuleSpec spec;
    spec.source = file.name;
    for (auto [key, field] : {std::pair{"id", &spec.id}, std::pair{"to", &spec.to}}) {
      Result<std::string> value = ReadString(file, *table, key);
      if (!value.ok()) return value.status();
      *field = *value;
    }
    if (table->contains("pattern")) {
      Result<std::string> value = ReadString(file, *table, "pattern");
      if (!value.ok()) return value.status();
      spec.pattern = *value;
    }
    for (auto [key, field] :
         {std::pair{"from", &spec.from}, std::pair{"prefix", &spec.prefixes},
          std::pair{"contains", &spec.contains}, std::pair{"examples", &spec.examples},
          std::pair{"counter_examples", &spec.counter_examples}}) {
      Status s = ReadStrings(file, *table, key, field);
      if (!s.ok()) return s;
    }
    auto same_id = [&](const MultilineRuleSpec& other) { return other.id == spec.id; };
    auto existing = std::find_if(specs->begin(), specs->end(), same_id);
    if (existing != specs->end() && existing->source == file.name)
      return Status::Error(Where(file, table->source()) + ": duplicate rule id " + spec.id);
    if (existing != specs->end()) {
      *existing = std::move(spec);  // a later file overrides by id
    } else {
      specs->push_back(std::move(spec));
    }
  }
  return Status::Ok();
}

// Fails on a key the table does not know: a misspelt `counter_example` would otherwise
// silently check nothing.
Status CheckKeys(const RuleFile& file, const toml::table& table,
                 std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : table) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end())
      return Status::Error(Where(file, value.source()) + ": unknown key `" +
                           std::string(key.str()) + "`");
  }
  return Status::Ok();
}

Status ParseCauses(const RuleFile& file, const toml::table& root, std::vector<CauseInfo>* causes,
                   std::vector<std::string>* sources) {
  const toml::array* array = root["cause"].as_array();
  if (array == nullptr) return Status::Ok();
  for (const toml::node& node : *array) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Status::Error(Where(file, node.source()) + ": not a table");
    Status s = CheckKeys(file, *table, {"id", "description"});
    if (!s.ok()) return s;
    CauseInfo cause;
    for (auto [key, field] :
         {std::pair{"id", &cause.id}, std::pair{"description", &cause.description}}) {
      Result<std::string> value = ReadString(file, *table, key);
      if (!value.ok()) return value.status();
      *field = *value;
    }
    auto same = [&](const CauseInfo& other) { return other.id == cause.id; };
    auto existing = std::find_if(causes->begin(), causes->end(), same);
    size_t index = existing - causes->begin();
    if (existing != causes->end() && (*sources)[index] == file.name)
      return Status::Error(Where(file, table->source()) + ": duplicate cause id " + cause.id);
    if (existing != causes->end()) {
      *existing = std::move(cause);
      (*sources)[index] = file.name;
    } else {
      causes->push_back(std::move(cause));
      sources->push_back(file.name);
    }
  }
  return Status::Ok();
}

Result<ClassifyRuleSpec> ReadClassifyRule(const RuleFile& file, const toml::table& table,
                                          ClassifyRuleSpec::Kind kind) {
  bool is_cause = kind == ClassifyRuleSpec::Kind::kCause;
  Status s =
      is_cause
          ? CheckKeys(file, table,
                      {"id", "cause", "pattern", "description", "examples", "counter_examples"})
          : CheckKeys(file, table,
                      {"id", "root", "pattern", "description", "examples", "counter_examples"});
  if (!s.ok()) return s;
  ClassifyRuleSpec spec;
  spec.kind = kind;
  spec.source = file.name;
  spec.built_in = file.built_in;
  std::string root;
  std::vector<std::pair<const char*, std::string*>> required = {{"id", &spec.id},
                                                                {"pattern", &spec.pattern}};
  required.push_back(is_cause ? std::pair{"cause", &spec.cause} : std::pair{"root", &root});
  for (auto [key, field] : required) {
    Result<std::string> value = ReadString(file, table, key);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  if (!is_cause && root != "first" && root != "last")
    return Status::Error(Where(file, table.source()) + ": rule " + spec.id +
                         ": `root` must be \"first\" or \"last\"");
  spec.root_first = root == "first";
  if (const auto* text = table.get_as<std::string>("description")) spec.description = text->get();
  for (auto [key, field] : {std::pair{"examples", &spec.examples},
                            std::pair{"counter_examples", &spec.counter_examples}}) {
    Status st = ReadStrings(file, table, key, field);
    if (!st.ok()) return st;
  }
  return spec;
}

Status ParseClassifyRules(const RuleFile& file, const toml::table& root, const char* table_name,
                          ClassifyRuleSpec::Kind kind, std::vector<ClassifyRuleSpec>* specs) {
  const toml::array* array = root[table_name].as_array();
  if (array == nullptr) return Status::Ok();
  for (const toml::node& node : *array) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Status::Error(Where(file, node.source()) + ": not a table");
    Result<ClassifyRuleSpec> spec = ReadClassifyRule(file, *table, kind);
    if (!spec.ok()) return spec.status();
    auto same_id = [&](const ClassifyRuleSpec& other) { return other.id == spec->id; };
    auto existing = std::find_if(specs->begin(), specs->end(), same_id);
    if (existing != specs->end() && existing->source == file.name)
      return Status::Error(Where(file, table->source()) + ": duplicate rule id " + spec->id);
    if (existing != specs->end()) {
      *existing = std::move(*spec);  // a later file overrides by id
    } else {
      specs->push_back(std::move(*spec));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<RuleBook> LoadRuleBook(const std::vector<RuleFile>& files, ExampleChecks checks) {
  std::vector<MultilineRuleSpec> multiline;
  std::vector<ClassifyRuleSpec> classify;
  std::vector<CauseInfo> causes;
  std::vector<std::string> cause_sources;
  for (const RuleFile& file : files) {
    toml::table root;
    try {
      root = toml::parse(file.text, file.name);
    } catch (const toml::parse_error& error) {
      return Status::Error(Where(file, error.source()) + ": " + std::string(error.description()));
    }
    Status s = ParseMultiline(file, root, &multiline);
    if (s.ok()) s = ParseCauses(file, root, &causes, &cause_sources);
    if (s.ok())
      s = ParseClassifyRules(file, root, "rule", ClassifyRuleSpec::Kind::kCause, &classify);
    if (s.ok())
      s = ParseClassifyRules(file, root, "chain", ClassifyRuleSpec::Kind::kChain, &classify);
    if (!s.ok()) return s;
  }
  RuleBook book;
  auto compiled = MultilineRules::Compile(multiline);
  if (!compiled.ok()) return compiled.status();
  book.multiline = *compiled;
  std::vector<std::string> cause_ids;
  for (const CauseInfo& cause : causes) cause_ids.push_back(cause.id);
  auto classifier = Classifier::Compile(classify, cause_ids, checks);
  if (!classifier.ok()) return classifier.status();
  book.classifier = *classifier;
  book.causes = std::move(causes);
  return book;
}

}  // namespace sockfilter
