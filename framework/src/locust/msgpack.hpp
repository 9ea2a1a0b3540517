#pragma once
// MessagePack for the Locust protocol, on Debian's msgpuck (a header-only C library; Debian 12's msgpack-c C++
// package depends on Boost 1.74, which conflicts with the Boost 1.81 candar builds on).
// Writing appends to a string as the message is built; reading turns an untrusted buffer, checked whole first,
// into a small tree of values with a nesting limit, so that a hostile master cannot overflow the stack.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace candar::locust::msgpack {

class writer {
 public:
  writer& array(std::uint32_t size);
  writer& map(std::uint32_t size);
  // Invalid UTF-8 is written with U+FFFD in place of each bad byte.
  writer& str(std::string_view s);
  writer& integer(std::int64_t n);
  writer& real(double d);
  writer& nil();
  writer& boolean(bool b);
  // A number of milliseconds or seconds that may be absent: nil when it is.
  writer& real_or_nil(std::optional<double> d) { return d ? real(*d) : nil(); }

  [[nodiscard]] std::string const& bytes() const noexcept { return out_; }
  [[nodiscard]] std::string take() noexcept { return std::move(out_); }

 private:
  char* grow(std::size_t n);
  std::string out_;
};

struct value;
using array = std::vector<value>;
// Keys and values in the order received: keys[i] maps to values[i]. (Two vectors, as a vector of pairs cannot
// hold a type still being defined.)
struct map {
  std::vector<value> keys;
  std::vector<value> values;
};

// nil, bool, a signed integer (an unsigned one past int64 becomes a double), a double, a string (str or bin),
// an array, a map in the order received. An ext value reads as nil.
struct value {
  std::variant<std::monostate, bool, std::int64_t, double, std::string, array, map> v;

  [[nodiscard]] bool is_nil() const noexcept { return std::holds_alternative<std::monostate>(v); }
  [[nodiscard]] std::string const* as_string() const noexcept { return std::get_if<std::string>(&v); }
  [[nodiscard]] array const* as_array() const noexcept { return std::get_if<array>(&v); }
  [[nodiscard]] map const* as_map() const noexcept { return std::get_if<map>(&v); }
  // An integer, or a double with an integral value (Python writes both for counts).
  [[nodiscard]] std::optional<std::int64_t> as_integer() const noexcept;
  [[nodiscard]] std::optional<double> as_number() const noexcept;
  // In a map: the value of the string key `key`, or nullptr.
  [[nodiscard]] value const* find(std::string_view key) const noexcept;
};

// The one value `bytes` holds, or nullopt when it is not exactly one well-formed value or nests deeper than
// `max_depth`.
[[nodiscard]] std::optional<value> read(std::string_view bytes, int max_depth = 32);

}  // namespace candar::locust::msgpack
