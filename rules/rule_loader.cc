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

}  // namespace

Result<RuleBook> LoadRuleBook(const std::vector<RuleFile>& files) {
  std::vector<MultilineRuleSpec> multiline;
  for (const RuleFile& file : files) {
    toml::table root;
    try {
      root = toml::parse(file.text, file.name);
    } catch (const toml::parse_error& error) {
      return Status::Error(Where(file, error.source()) + ": " + std::string(error.description()));
    }
    Status s = ParseMultiline(file, root, &multiline);
    if (!s.ok()) return s;
  }
  RuleBook book;
  auto compiled = MultilineRules::Compile(multiline);
  if (!compiled.ok()) return compiled.status();
  book.multiline = *compiled;
  return book;
}

}  // namespace sockfilter
