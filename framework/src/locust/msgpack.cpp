#include "msgpack.hpp"

#include <msgpuck.h>

#include <cmath>
#include <limits>

namespace candar::locust::msgpack {

char* writer::grow(std::size_t n) {
  auto const at = out_.size();
  out_.resize(at + n);
  return out_.data() + at;
}

writer& writer::array(std::uint32_t size) {
  mp_encode_array(grow(mp_sizeof_array(size)), size);
  return *this;
}

writer& writer::map(std::uint32_t size) {
  mp_encode_map(grow(mp_sizeof_map(size)), size);
  return *this;
}

namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlongs, no surrogates,
// nothing past U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) noexcept {
  auto const b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto const cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char const c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // a surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

// `s` with every byte that starts no well-formed sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  while (!s.empty()) {
    auto const n = utf8_sequence(s);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      s.remove_prefix(1);
    } else {
      out.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view s) noexcept {
  while (!s.empty()) {
    auto const n = utf8_sequence(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

}  // namespace

writer& writer::str(std::string_view s) {
  // Locust reads strings as UTF-8 (msgpack's raw=False): one invalid byte in a request's name or an error
  // message would make the master drop the whole report and ask the worker to reconnect.
  std::string repaired;
  if (!is_valid_utf8(s)) {
    repaired = valid_utf8(s);
    s = repaired;
  }
  auto const len = static_cast<std::uint32_t>(s.size());
  mp_encode_str(grow(mp_sizeof_str(len)), s.data(), len);
  return *this;
}

writer& writer::integer(std::int64_t n) {
  if (n >= 0) {
    auto const u = static_cast<std::uint64_t>(n);
    mp_encode_uint(grow(mp_sizeof_uint(u)), u);
  } else {
    mp_encode_int(grow(mp_sizeof_int(n)), n);
  }
  return *this;
}

writer& writer::real(double d) {
  mp_encode_double(grow(mp_sizeof_double(d)), d);
  return *this;
}

writer& writer::nil() {
  mp_encode_nil(grow(mp_sizeof_nil()));
  return *this;
}

writer& writer::boolean(bool b) {
  mp_encode_bool(grow(mp_sizeof_bool(b)), b);
  return *this;
}

std::optional<std::int64_t> value::as_integer() const noexcept {
  if (auto const* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto const* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.0e18) return static_cast<std::int64_t>(*d);
  }
  return std::nullopt;
}

std::optional<double> value::as_number() const noexcept {
  if (auto const* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (auto const* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

value const* value::find(std::string_view key) const noexcept {
  auto const* m = as_map();
  if (m == nullptr) return nullptr;
  for (std::size_t i = 0; i < m->keys.size(); ++i) {
    if (auto const* s = m->keys[i].as_string(); s != nullptr && *s == key) return &m->values[i];
  }
  return nullptr;
}

namespace {

// Every value is checked to lie inside [p, end) before it is read: a scalar or string by mp_check on it alone,
// a container by its count, as each item takes at least one byte. (mp_check over a whole buffer is not enough:
// it lets an array count near 2^32 through, as its running total wraps.) Nothing is allocated for a count the
// bytes left cannot hold.
// What a container may reserve before its items are read.
constexpr std::size_t claimed_up_front = 64;

bool decode(char const*& p, char const* end, value& out, int depth) {
  if (depth <= 0 || p >= end) return false;
  auto const type = mp_typeof(*p);
  if (type == MP_ARRAY) {
    if (mp_check_array(p, end) > 0) return false;  // > 0: the header's bytes that are missing
  } else if (type == MP_MAP) {
    if (mp_check_map(p, end) > 0) return false;
  } else {
    char const* q = p;
    if (mp_check(&q, end) != 0) return false;
  }
  switch (type) {
    case MP_NIL:
      mp_decode_nil(&p);
      out.v = std::monostate{};
      return true;
    case MP_BOOL:
      out.v = mp_decode_bool(&p);
      return true;
    case MP_UINT: {
      auto const u = mp_decode_uint(&p);
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        out.v = static_cast<std::int64_t>(u);
      } else {
        out.v = static_cast<double>(u);
      }
      return true;
    }
    case MP_INT:
      out.v = mp_decode_int(&p);
      return true;
    case MP_FLOAT:
      out.v = static_cast<double>(mp_decode_float(&p));
      return true;
    case MP_DOUBLE:
      out.v = mp_decode_double(&p);
      return true;
    case MP_STR:
    case MP_BIN: {
      std::uint32_t len = 0;
      char const* s = mp_decode_strbin(&p, &len);
      if (len > static_cast<std::size_t>(end - s)) return false;
      out.v = std::string(s, len);
      return true;
    }
    case MP_ARRAY: {
      auto const n = mp_decode_array(&p);
      if (n > static_cast<std::size_t>(end - p)) return false;
      // Grown as items come, not sized by the count a frame claims: 32 nested arrays each saying it holds the
      // rest of a 1 MiB frame would ask for 48 bytes a claimed item at every level (1.5 GB).
      array items;
      items.reserve(std::min<std::size_t>(n, claimed_up_front));
      for (std::uint32_t i = 0; i < n; ++i) {
        if (!decode(p, end, items.emplace_back(), depth - 1)) return false;
      }
      out.v = std::move(items);
      return true;
    }
    case MP_MAP: {
      auto const n = mp_decode_map(&p);
      if (n > static_cast<std::size_t>(end - p) / 2) return false;
      map entries;
      entries.keys.reserve(std::min<std::size_t>(n, claimed_up_front));
      entries.values.reserve(std::min<std::size_t>(n, claimed_up_front));
      for (std::uint32_t i = 0; i < n; ++i) {
        if (!decode(p, end, entries.keys.emplace_back(), depth - 1) ||
            !decode(p, end, entries.values.emplace_back(), depth - 1)) {
          return false;
        }
      }
      out.v = std::move(entries);
      return true;
    }
    case MP_EXT:
      mp_next(&p);
      out.v = std::monostate{};
      return p <= end;
  }
  return false;
}

}  // namespace

std::optional<value> read(std::string_view bytes, int max_depth) {
  if (bytes.empty()) return std::nullopt;
  char const* const end = bytes.data() + bytes.size();
  value out;
  char const* p = bytes.data();
  if (!decode(p, end, out, max_depth) || p != end) return std::nullopt;
  return out;
}

}  // namespace candar::locust::msgpack
