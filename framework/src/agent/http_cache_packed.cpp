// The form in which the cache keeps a response: status, headers packed into one shared string, body shared
// (entries of one agent and revalidated copies point at the same bytes).
#include <cstring>

#include "candar/agent/http_cache.hpp"
#include "shared_text.hpp"
#include "text.hpp"

namespace candar {

using detail::ascii_lower;

namespace {
// The packed form: for each header, its name's and value's lengths (4 bytes each), then both. Lengths, not
// separators: a value may hold any byte, a NUL included (tests/agent/http_cache_test.cpp).
template <class F>
void for_each_packed(std::string_view rest, F&& f) {
  auto const read_length = [&rest](std::size_t& out) {
    if (rest.size() < 4) return false;
    std::uint32_t n = 0;
    std::memcpy(&n, rest.data(), 4);
    rest.remove_prefix(4);
    out = n;
    return true;
  };
  while (!rest.empty()) {
    std::size_t k = 0, v = 0;
    if (!read_length(k) || !read_length(v) || rest.size() < k + v) return;
    if (!f(rest.substr(0, k), rest.substr(k, v))) return;
    rest.remove_prefix(k + v);
  }
}
}  // namespace

std::optional<std::string_view> http_cache::packed_response::header(std::string_view name) const {
  std::optional<std::string_view> found;
  auto const wanted = ascii_lower(name);
  for_each_packed(*headers, [&](std::string_view k, std::string_view v) {
    if (ascii_lower(k) != wanted) return true;
    found = v;
    return false;
  });
  return found;
}

std::vector<std::string_view> http_cache::packed_response::headers_named(std::string_view name) const {
  std::vector<std::string_view> out;
  auto const wanted = ascii_lower(name);
  for_each_packed(*headers, [&](std::string_view k, std::string_view v) {
    if (ascii_lower(k) == wanted) out.push_back(v);
    return true;
  });
  return out;
}

header_fields http_cache::packed_response::unpacked_headers() const {
  header_fields out;
  for_each_packed(*headers, [&](std::string_view k, std::string_view v) {
    out.add(k, v);
    return true;
  });
  return out;
}

http_cache::packed_response http_cache::packed_response::pack(response const& r) {
  packed_response p;
  p.status = r.status;
  p.protocol = r.protocol;
  std::size_t n = 0;
  for (auto const& [k, v] : r.headers) n += k.size() + v.size() + 8;
  std::string packed;
  packed.reserve(n);
  for (auto const& [k, v] : r.headers) {
    for (auto const length : {static_cast<std::uint32_t>(k.size()), static_cast<std::uint32_t>(v.size())}) {
      char bytes[4];
      std::memcpy(bytes, &length, 4);
      packed.append(bytes, 4);
    }
    packed.append(k).append(v);
  }
  p.headers = detail::share_text(packed);
  p.body = detail::share_text(r.body);
  return p;
}

response http_cache::packed_response::unpack(std::string const& url) const {
  response r;
  r.status = status;
  r.protocol = protocol;
  r.headers = unpacked_headers();
  r.body = *body;
  r.url = url;
  return r;
}

}  // namespace candar
