// A Locust master's frames are untrusted input: any bytes must read as a value or be refused, within bounded
// memory and stack. A value that is read is written back and read again equal in shape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "msgpack.hpp"

namespace {
void write(candar::locust::msgpack::writer& w, candar::locust::msgpack::value const& v) {
  using namespace candar::locust::msgpack;
  if (auto const* s = v.as_string()) {
    w.str(*s);
  } else if (auto const* a = v.as_array()) {
    w.array(static_cast<std::uint32_t>(a->size()));
    for (auto const& item : *a) write(w, item);
  } else if (auto const* m = v.as_map()) {
    w.map(static_cast<std::uint32_t>(m->keys.size()));
    for (std::size_t i = 0; i < m->keys.size(); ++i) {
      write(w, m->keys[i]);
      write(w, m->values[i]);
    }
  } else if (auto const* i = std::get_if<std::int64_t>(&v.v)) {
    w.integer(*i);
  } else if (auto const* d = std::get_if<double>(&v.v)) {
    w.real(*d);
  } else if (auto const* b = std::get_if<bool>(&v.v)) {
    w.boolean(*b);
  } else {
    w.nil();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view in(reinterpret_cast<char const*>(data), size);
  auto const v = candar::locust::msgpack::read(in);
  if (!v) return 0;
  (void)v->find("user_classes_count");
  candar::locust::msgpack::writer w;
  write(w, *v);
  if (!candar::locust::msgpack::read(w.bytes())) __builtin_trap();
  return 0;
}
