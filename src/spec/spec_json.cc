// The spec's JSON form (duckpart/spec.h: ToJson, SpecFromJson).
#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "duckpart/spec.h"
#include "spec/spec_text.h"

namespace duckpart {
namespace {

using nlohmann::json;
using namespace spec_text;  // NOLINT: the shared helpers of this folder

[[noreturn]] void BadJson(const std::string& message) {
  throw InputError("invalid spec JSON: " + OneLine(message));
}

const json& Member(const json& object, const char* key, bool (json::*is_type)() const,
                   const char* type) {
  const auto it = object.find(key);
  if (it == object.end() || !((*it).*is_type)()) {
    BadJson(fmt::format("expected \"{}\" to be {}", key, type));
  }
  return *it;
}

std::string StringMember(const json& object, const char* key) {
  return Member(object, key, &json::is_string, "a string").get<std::string>();
}

json LiteralToJson(const Literal& literal) {
  return json{{literal.kind == Literal::Kind::kNumber ? "number" : "string", literal.text}};
}

Literal LiteralFromJson(const json& j) {
  if (!j.is_object() || j.size() != 1) BadJson("expected a bound to be {\"number\": ...}");
  if (j.contains("string")) return Literal{Literal::Kind::kString, StringMember(j, "string")};
  Literal literal{Literal::Kind::kNumber, StringMember(j, "number")};
  if (!IsNumberText(literal.text)) BadJson(fmt::format("'{}' is not a number", literal.text));
  return literal;
}

json FieldToJson(const Field& field) {
  json j = {{"transform", TransformName(field.transform)},
            {"column", field.column},
            {"name", field.Name()}};
  if (TakesParam(field.transform)) j["param"] = field.param;
  if (field.transform == Transform::kRange) {
    json bounds = json::array();
    for (const Literal& b : field.bounds) bounds.push_back(LiteralToJson(b));
    j["bounds"] = std::move(bounds);
  }
  return j;
}

int64_t ParamFromJson(const json& j) {
  const json& param = Member(j, "param", &json::is_number_integer, "an integer");
  if (param.is_number_unsigned() &&
      param.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    BadJson("expected \"param\" to fit in 64 bits");
  }
  return param.get<int64_t>();
}

Field FieldFromJson(const json& j) {
  if (!j.is_object()) BadJson("expected each field to be an object");
  const std::string name = StringMember(j, "transform");
  const std::optional<Transform> transform = TransformFromName(name);
  if (!transform || name != TransformName(*transform)) {
    BadJson(fmt::format("expected a transform ({}), got '{}'", TransformList(), name));
  }
  Field field{*transform, StringMember(j, "column")};
  if (TakesParam(field.transform)) field.param = ParamFromJson(j);
  if (field.transform == Transform::kRange) {
    for (const json& b : Member(j, "bounds", &json::is_array, "an array")) {
      field.bounds.push_back(LiteralFromJson(b));
    }
  }
  if (j.contains("name")) {
    field.name = StringMember(j, "name");
    if (field.name.empty()) BadJson("expected \"name\" to be a non-empty string");
    if (field.name == field.DefaultName()) field.name.clear();
  }
  return field;
}

}  // namespace

json ToJson(const Spec& spec) {
  json fields = json::array();
  for (const Field& field : spec.fields) fields.push_back(FieldToJson(field));
  return json{{"fields", std::move(fields)}};
}

// Reads the fields, then holds them to the text grammar's rules by a round trip.
Spec SpecFromJson(const json& j) {
  if (!j.is_object()) BadJson("expected an object with \"fields\"");
  Spec spec;
  for (const json& field : Member(j, "fields", &json::is_array, "an array")) {
    spec.fields.push_back(FieldFromJson(field));
  }
  const std::string text = ToString(spec);
  try {
    if (ParseSpec(text) == spec) return spec;
  } catch (const SpecError& e) {
    BadJson(fmt::format("{} (as text: {})", e.what(), text));
  }
  BadJson(fmt::format("the fields do not survive a round trip through text: {}", text));
}

}  // namespace duckpart
