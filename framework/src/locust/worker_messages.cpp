#include "worker_messages.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <random>

#include <fmt/format.h>

namespace candar::locust {

std::string make_node_id() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) std::snprintf(host.data(), host.size(), "candar");
  std::random_device rd;
  std::string id = std::string(host.data()) + "_";
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", rd());
  return id;
}

std::optional<spawn_message> read_spawn(msgpack::value const& data) {
  auto const* timestamp = data.find("timestamp");
  auto const* classes = data.find("user_classes_count");
  if (classes == nullptr || classes->as_map() == nullptr) return std::nullopt;
  spawn_message out;
  if (timestamp != nullptr) out.timestamp = timestamp->as_number();
  auto const& m = *classes->as_map();
  for (std::size_t i = 0; i < m.keys.size(); ++i) {
    auto const* name = m.keys[i].as_string();
    auto const n = m.values[i].as_integer();
    if (name != nullptr && n && *n >= 0) out.asked.emplace_back(*name, *n);
  }
  return out;
}

std::string heartbeat_body(std::string_view state, double cpu_percent, std::int64_t resident_bytes) {
  msgpack::writer w;
  w.map(3).str("state").str(state).str("current_cpu_usage").real(cpu_percent);
  w.str("current_memory_usage").integer(resident_bytes);
  return w.bytes();
}

std::string spawning_complete_body(std::map<std::string, std::int64_t> const& running) {
  std::int64_t total = 0;
  msgpack::writer w;
  w.map(2).str("user_classes_count").map(static_cast<std::uint32_t>(running.size()));
  for (auto const& [name, n] : running) {
    w.str(name).integer(n);
    total += n;
  }
  w.str("user_count").integer(total);
  return w.bytes();
}

std::string exception_body(std::string_view message, std::string_view traceback) {
  msgpack::writer e;
  e.map(2).str("msg").str(message).str("traceback").str(traceback);
  return e.bytes();
}

}  // namespace candar::locust
