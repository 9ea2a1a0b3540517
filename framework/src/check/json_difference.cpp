#include "candar/check/json_difference.hpp"

#include <fmt/format.h>

namespace candar {

using json = nlohmann::json;

namespace {

std::string field_path(std::string const& path, std::string const& key) { return path + "." + key; }

// A value as the message shows it, cut so that a large body does not flood the error list.
std::string short_dump(json const& v) {
  auto s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::optional<std::string> difference(json const& expected, json const& actual, std::string const& path) {
  if (expected.is_object()) {
    if (!actual.is_object()) return fmt::format("{}: expected an object, got {}", path, short_dump(actual));
    for (auto const& [key, value] : expected.items()) {
      auto const f = actual.find(key);
      if (f == actual.end()) return fmt::format("{}: missing", field_path(path, key));
      if (auto d = difference(value, *f, field_path(path, key))) return d;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return fmt::format("{}: expected an array, got {}", path, short_dump(actual));
    if (actual.size() != expected.size()) {
      return fmt::format("{}: expected {} elements, got {}", path, expected.size(), actual.size());
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (auto d = difference(expected[i], actual[i], fmt::format("{}[{}]", path, i))) return d;
    }
    return std::nullopt;
  }
  if (expected != actual) return fmt::format("{}: expected {}, got {}", path, short_dump(expected), short_dump(actual));
  return std::nullopt;
}

std::optional<std::string> shape_difference(json const& shape, json const& value, std::string const& path,
                                            json const* types, int depth) {
  if (depth > 32) return fmt::format("{}: the shape nests too deep", path);
  if (shape.is_string()) {
    auto const& name = shape.get_ref<std::string const&>();
    if (name == "any") return std::nullopt;
    if (!name.empty() && name.front() == '#') {
      if (types == nullptr || !types->contains(name.substr(1)))
        return fmt::format("{}: no type named '{}'", path, name);
      return shape_difference(types->at(name.substr(1)), value, path, types, depth + 1);
    }
    auto const kind = json_kind(value);
    if (kind == name || (name == "number" && kind == "integer")) return std::nullopt;
    return fmt::format("{}: expected {}, got {}", path, name, kind);
  }
  if (shape.is_array()) {
    if (!value.is_array()) return fmt::format("{}: expected array, got {}", path, json_kind(value));
    if (shape.size() != 1) return fmt::format("{}: a shape's array holds one element shape", path);
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto m = shape_difference(shape[0], value[i], fmt::format("{}[{}]", path, i), types, depth + 1)) return m;
    }
    return std::nullopt;
  }
  if (!shape.is_object()) return fmt::format("{}: a shape is a type name, an object or an array", path);
  if (!value.is_object()) return fmt::format("{}: expected object, got {}", path, json_kind(value));
  for (auto const& [key, field_shape] : shape.items()) {
    auto const f = value.find(key);
    if (f == value.end()) return fmt::format("{}: missing", field_path(path, key));
    if (auto m = shape_difference(field_shape, *f, field_path(path, key), types, depth + 1)) return m;
  }
  return std::nullopt;
}

}  // namespace

std::string json_kind(json const& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "boolean";
  if (value.is_null()) return "null";
  if (value.is_object()) return "object";
  if (value.is_array()) return "array";
  return "binary";
}

std::optional<std::string> json_value_difference(json const& expected, json const& actual) {
  return difference(expected, actual, "$");
}

std::optional<std::string> json_shape_difference(json const& shape, json const& value, json const* named_types) {
  return shape_difference(shape, value, "$", named_types, 0);
}

}  // namespace candar
