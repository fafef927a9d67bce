#include "query/column_reader.h"

#include "duckpart/error.h"

namespace duckpart::query {
namespace {

std::string TakeString(char* s) {
  std::string out = s ? s : "";
  duckdb_free(s);
  return out;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

bool IsNested(duckdb_type id) {
  return id == DUCKDB_TYPE_LIST || id == DUCKDB_TYPE_ARRAY || id == DUCKDB_TYPE_STRUCT ||
         id == DUCKDB_TYPE_MAP || id == DUCKDB_TYPE_UNION;
}

bool IsPrintable(duckdb_type id) {
  switch (id) {
    case DUCKDB_TYPE_INVALID:
    case DUCKDB_TYPE_ANY:
    case DUCKDB_TYPE_BIGNUM:
    case DUCKDB_TYPE_STRING_LITERAL:
    case DUCKDB_TYPE_INTEGER_LITERAL:
      return false;
    default:
      return true;
  }
}

std::vector<duckdb_logical_type> ChildTypes(duckdb_logical_type type) {
  std::vector<duckdb_logical_type> out;
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_LIST:
      out.push_back(duckdb_list_type_child_type(type));
      break;
    case DUCKDB_TYPE_ARRAY:
      out.push_back(duckdb_array_type_child_type(type));
      break;
    case DUCKDB_TYPE_MAP:
      out.push_back(duckdb_map_type_key_type(type));
      out.push_back(duckdb_map_type_value_type(type));
      break;
    case DUCKDB_TYPE_STRUCT:
      for (idx_t i = 0; i < duckdb_struct_type_child_count(type); ++i)
        out.push_back(duckdb_struct_type_child_type(type, i));
      break;
    case DUCKDB_TYPE_UNION:
      for (idx_t i = 0; i < duckdb_union_type_member_count(type); ++i)
        out.push_back(duckdb_union_type_member_type(type, i));
      break;
    default:
      break;
  }
  return out;
}

bool AllPrintable(duckdb_logical_type type) {
  if (!IsPrintable(duckdb_get_type_id(type))) return false;
  bool ok = true;
  for (duckdb_logical_type child : ChildTypes(type)) {
    ok = ok && AllPrintable(child);
    duckdb_destroy_logical_type(&child);
  }
  return ok;
}

}  // namespace

void CheckPrintable(duckdb_logical_type type, const std::string& column) {
  if (AllPrintable(type)) return;
  throw InputError("column '" + column +
                   "' has a type duckpart query cannot print; CAST it to VARCHAR in the SQL");
}

ColumnReader::ColumnReader(duckdb_vector vector, duckdb_logical_type type)
    : vector_(vector),
      type_(type),
      id_(duckdb_get_type_id(type)),
      data_(duckdb_vector_get_data(vector)),
      validity_(duckdb_vector_get_validity(vector)) {
  switch (id_) {
    case DUCKDB_TYPE_LIST:
      AddChild(duckdb_list_vector_get_child(vector), duckdb_list_type_child_type(type), "");
      break;
    case DUCKDB_TYPE_ARRAY:
      array_size_ = duckdb_array_type_array_size(type);
      AddChild(duckdb_array_vector_get_child(vector), duckdb_array_type_child_type(type), "");
      break;
    case DUCKDB_TYPE_MAP: {
      duckdb_vector entries = duckdb_list_vector_get_child(vector);
      AddChild(duckdb_struct_vector_get_child(entries, 0), duckdb_map_type_key_type(type), "key");
      AddChild(duckdb_struct_vector_get_child(entries, 1), duckdb_map_type_value_type(type),
               "value");
      break;
    }
    case DUCKDB_TYPE_STRUCT:
      for (idx_t i = 0; i < duckdb_struct_type_child_count(type); ++i) {
        AddChild(duckdb_struct_vector_get_child(vector, i), duckdb_struct_type_child_type(type, i),
                 TakeString(duckdb_struct_type_child_name(type, i)));
      }
      break;
    case DUCKDB_TYPE_UNION:  // a struct of the tag (UTINYINT) and one child per member
      AddChild(duckdb_struct_vector_get_child(vector, 0),
               duckdb_create_logical_type(DUCKDB_TYPE_UTINYINT), "");
      for (idx_t i = 0; i < duckdb_union_type_member_count(type); ++i) {
        AddChild(duckdb_struct_vector_get_child(vector, i + 1),
                 duckdb_union_type_member_type(type, i),
                 TakeString(duckdb_union_type_member_name(type, i)));
      }
      break;
    default:
      break;
  }
}

ColumnReader::~ColumnReader() {
  children_.clear();
  for (auto& t : owned_types_) duckdb_destroy_logical_type(&t);
}

void ColumnReader::AddChild(duckdb_vector vector, duckdb_logical_type type,
                            const std::string& name) {
  owned_types_.push_back(type);
  children_.push_back(std::make_unique<ColumnReader>(vector, type));
  child_names_.push_back(name);
}

bool ColumnReader::IsNull(idx_t row) const {
  return validity_ != nullptr && !duckdb_validity_row_is_valid(validity_, row);
}

std::string ColumnReader::Text(idx_t row) const {
  if (IsNull(row)) return "";
  if (IsNested(id_)) return NestedText(row);
  return ScalarText(row);
}

std::string ColumnReader::NestedText(idx_t row) const {
  if (IsNull(row)) return "NULL";
  switch (id_) {
    case DUCKDB_TYPE_LIST: {
      const auto& e = static_cast<const duckdb_list_entry*>(data_)[row];
      return ListText(e.offset, e.length, *children_[0]);
    }
    case DUCKDB_TYPE_ARRAY:
      return ListText(row * array_size_, array_size_, *children_[0]);
    case DUCKDB_TYPE_STRUCT:
      return StructText(row);
    case DUCKDB_TYPE_MAP:
      return MapText(row);
    case DUCKDB_TYPE_UNION:
      return children_[UnionMember(row)]->NestedText(row);
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_ENUM:
    case DUCKDB_TYPE_BLOB:
      return Quote(ScalarText(row));
    default:
      return ScalarText(row);
  }
}

std::string ColumnReader::ListText(idx_t offset, idx_t length, const ColumnReader& child) const {
  std::string out = "[";
  for (idx_t i = 0; i < length; ++i) out += (i ? ", " : "") + child.NestedText(offset + i);
  return out + "]";
}

std::string ColumnReader::StructText(idx_t row) const {
  std::string out = "{";
  for (size_t i = 0; i < children_.size(); ++i) {
    out += (i ? ", " : "") + Quote(child_names_[i]) + ": " + children_[i]->NestedText(row);
  }
  return out + "}";
}

std::string ColumnReader::MapText(idx_t row) const {
  const auto& e = static_cast<const duckdb_list_entry*>(data_)[row];
  std::string out = "{";
  for (idx_t i = 0; i < e.length; ++i) {
    out += (i ? ", " : "") + children_[0]->NestedText(e.offset + i) + "=" +
           children_[1]->NestedText(e.offset + i);
  }
  return out + "}";
}

idx_t ColumnReader::UnionMember(idx_t row) const {
  return static_cast<idx_t>(static_cast<const uint8_t*>(children_[0]->data_)[row]) + 1;
}

nlohmann::ordered_json ColumnReader::Json(idx_t row) const {
  if (IsNull(row)) return nullptr;
  switch (id_) {
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY: {
      idx_t offset = row * array_size_, length = array_size_;
      if (id_ == DUCKDB_TYPE_LIST) {
        const auto& e = static_cast<const duckdb_list_entry*>(data_)[row];
        offset = e.offset;
        length = e.length;
      }
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (idx_t i = 0; i < length; ++i) out.push_back(children_[0]->Json(offset + i));
      return out;
    }
    case DUCKDB_TYPE_STRUCT:
      return StructJson(row);
    case DUCKDB_TYPE_MAP:
      return MapJson(row);
    case DUCKDB_TYPE_UNION:
      return children_[UnionMember(row)]->Json(row);
    default:
      return ScalarJson(row);
  }
}

nlohmann::ordered_json ColumnReader::StructJson(idx_t row) const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (size_t i = 0; i < children_.size(); ++i) out[child_names_[i]] = children_[i]->Json(row);
  return out;
}

nlohmann::ordered_json ColumnReader::MapJson(idx_t row) const {
  const auto& e = static_cast<const duckdb_list_entry*>(data_)[row];
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (idx_t i = 0; i < e.length; ++i)
    out[children_[0]->Text(e.offset + i)] = children_[1]->Json(e.offset + i);
  return out;
}

}  // namespace duckpart::query
