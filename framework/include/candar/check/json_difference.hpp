#pragma once
// Comparing a JSON body with what the benchmarker knows, with messages that point at the place:
// "$.user.chairs: expected 19, got 20", "$.items[2].id: expected integer, got string".
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace candar {

// Compares only what `expected` holds: objects field by field (extra fields allowed), arrays element by
// element and by length, anything else by value. The model writes what it knows; the rest is not compared.
[[nodiscard]] std::optional<std::string> json_value_difference(nlohmann::json const& expected,
                                                               nlohmann::json const& actual);

// Checks `value` against a shape: a string names a type ("integer", "number", "string", "boolean", "null",
// "object", "array", "any"; "#name" an entry of `named_types`), an object lists required fields (others are
// allowed), a one-element array is an array of that shape. A broken shape is reported as the difference.
[[nodiscard]] std::optional<std::string> json_shape_difference(nlohmann::json const& shape, nlohmann::json const& value,
                                                               nlohmann::json const* named_types = nullptr);

// "integer", "number", "string", "boolean", "null", "object" or "array".
[[nodiscard]] std::string json_kind(nlohmann::json const& value);

}  // namespace candar
