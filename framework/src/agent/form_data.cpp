#include "candar/agent/form_data.hpp"

#include <algorithm>

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>

namespace candar {

namespace {

// WHATWG URL: the application/x-www-form-urlencoded percent-encode set leaves only these as they are.
constexpr boost::urls::grammar::lut_chars form_unreserved =
    boost::urls::grammar::lut_chars("*-._0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

// A multipart part header's quoted name or filename, escaped as the HTML standard's form submission says:
// LF, CR and '"' as %0A, %0D and %22.
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char const c : s) {
    if (c == '\n') {
      out += "%0A";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '"') {
      out += "%22";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// A boundary as Chromium writes it ("----WebKitFormBoundary" and 16 characters), drawn from a small
// generator so that a seeded run sends the same bytes.
std::string boundary_from(std::uint64_t& state) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string b = "----candarFormBoundary";
  for (int i = 0; i < 16; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // an LCG: enough to vary a boundary
    b += alphabet[(state >> 33) % alphabet.size()];
  }
  return b;
}

}  // namespace

std::string form_urlencode(std::string_view text) {
  return boost::urls::encode(text, form_unreserved, boost::urls::encoding_opts(/*space_as_plus=*/true));
}

form_data::form_data(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  for (auto const& [name, value] : fields) add(name, value);
}

form_data& form_data::add(std::string_view name, std::string_view value) {
  fields_.push_back({std::string(name), std::string(value), std::nullopt, {}});
  return *this;
}

form_data& form_data::add_file(std::string_view name, std::string_view filename, std::string_view content_type,
                               std::string_view bytes) {
  fields_.push_back({std::string(name), std::string(bytes), std::string(filename),
                     content_type.empty() ? std::string("application/octet-stream") : std::string(content_type)});
  return *this;
}

form_data& form_data::set(std::string_view name, std::string_view value) {
  auto it = std::find_if(fields_.begin(), fields_.end(), [&](form_field const& f) { return f.name == name; });
  if (it == fields_.end()) return add(name, value);
  it->value = value;
  it->filename.reset();
  it->content_type.clear();
  return *this;
}

form_data& form_data::remove(std::string_view name) {
  std::erase_if(fields_, [&](form_field const& f) { return f.name == name; });
  return *this;
}

std::optional<std::string_view> form_data::get(std::string_view name) const {
  for (auto const& f : fields_) {
    if (f.name == name) return f.value;
  }
  return std::nullopt;
}

bool form_data::has_files() const noexcept {
  return std::any_of(fields_.begin(), fields_.end(), [](form_field const& f) { return f.filename.has_value(); });
}

encoded_body form_data::urlencoded() const {
  encoded_body out{{}, "application/x-www-form-urlencoded"};
  for (auto const& f : fields_) {
    if (!out.content.empty()) out.content += '&';
    out.content += form_urlencode(f.name);
    out.content += '=';
    out.content += form_urlencode(f.filename ? *f.filename : f.value);
  }
  return out;
}

encoded_body form_data::multipart(std::uint64_t boundary_seed) const {
  std::uint64_t state = boundary_seed;
  std::string boundary = boundary_from(state);
  // A boundary must not occur in any part (RFC 2046 5.1.1): draw again in the unlikely case it does.
  while (std::any_of(fields_.begin(), fields_.end(),
                     [&](form_field const& f) { return f.value.find(boundary) != std::string::npos; })) {
    boundary = boundary_from(state);
  }
  encoded_body out{{}, "multipart/form-data; boundary=" + boundary};
  for (auto const& f : fields_) {
    out.content += "--" + boundary + "\r\n";
    out.content += "Content-Disposition: form-data; name=" + quoted(f.name);
    if (f.filename) {
      out.content += "; filename=" + quoted(*f.filename) + "\r\nContent-Type: " + f.content_type;
    }
    out.content += "\r\n\r\n";
    out.content += f.value;
    out.content += "\r\n";
  }
  out.content += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace candar
