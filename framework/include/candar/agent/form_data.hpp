#pragma once
// The fields (and files) of a form, in order, and their two encodings as a browser sends them:
// application/x-www-form-urlencoded (WHATWG URL "urlencoded serializer": Boost.URL's encoder with space as '+')
// and multipart/form-data (RFC 7578, as browsers write it: one part per field, files with a filename and type).
//
//   form_data f;
//   f.add("title", "a cat").add_file("image", "cat.jpg", "image/jpeg", jpeg_bytes);
//   auto body = f.multipart();          // body.content_type is "multipart/form-data; boundary=..."
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candar {

struct form_field {
  std::string name{};
  std::string value{};  // a file's bytes
  // Set for a file part only.
  std::optional<std::string> filename{};
  std::string content_type{};  // a file's type; empty for a plain field
};

// An encoded body and the Content-Type it goes with.
struct encoded_body {
  std::string content{};
  std::string content_type{};
};

class form_data {
 public:
  form_data() = default;
  // `.form({{"name", n}, {"password", p}})`: fields in order.
  form_data(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
  // Appends a field (a name may repeat, as with checkboxes).
  form_data& add(std::string_view name, std::string_view value);
  // Appends a file part; a form with a file can only be sent as multipart.
  form_data& add_file(std::string_view name, std::string_view filename, std::string_view content_type,
                      std::string_view bytes);
  // Replaces the value of the first field of that name, appending one when there is none.
  form_data& set(std::string_view name, std::string_view value);
  // Removes every field of that name.
  form_data& remove(std::string_view name);

  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] std::vector<form_field> const& fields() const noexcept { return fields_; }
  [[nodiscard]] bool has_files() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }

  // application/x-www-form-urlencoded; a file contributes its filename, as a browser does.
  [[nodiscard]] encoded_body urlencoded() const;
  // multipart/form-data with a boundary made from `boundary_seed` that occurs in no value.
  [[nodiscard]] encoded_body multipart(std::uint64_t boundary_seed = 0x9e3779b97f4a7c15ULL) const;

 private:
  std::vector<form_field> fields_;
};

// One name or value encoded as application/x-www-form-urlencoded does ("a b&c" -> "a+b%26c").
[[nodiscard]] std::string form_urlencode(std::string_view text);

}  // namespace candar
