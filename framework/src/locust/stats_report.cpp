#include "stats_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace candar::locust {

void stats_report::write(msgpack::writer& w, std::map<std::string, std::int64_t> const& user_classes_count) const {
  std::int64_t users = 0;
  for (auto const& [cls, n] : user_classes_count) users += n;
  w.map(5);
  w.str("stats").array(static_cast<std::uint32_t>(entries.size()));
  for (auto const& [key, e] : entries) e.write(w, key.first, key.second, start_time);
  w.str("stats_total");
  total.write(w, "Aggregated", "", start_time);
  w.str("errors").map(static_cast<std::uint32_t>(errors.size()));
  for (auto const& [key, n] : errors) {
    auto const& [method, name, error] = key;
    // Locust keys an error by a hash of the three; any key that is the same for the same three, and differs for
    // different ones, merges alike on the master, across workers: the lengths keep "a b"+"c" from "a"+"b c".
    w.str(fmt::format("{}:{}:{}:{}{}{}", method.size(), name.size(), error.size(), method, name, error));
    w.map(4).str("name").str(name).str("method").str(method).str("error").str(error).str("occurrences").integer(n);
  }
  w.str("user_classes_count").map(static_cast<std::uint32_t>(user_classes_count.size()));
  for (auto const& [cls, n] : user_classes_count) w.str(cls).integer(n);
  w.str("user_count").integer(users);
}

void stats_report::merge(stats_report&& later) {
  start_time = std::min(start_time, later.start_time);
  for (auto& [key, e] : later.entries) entries[key].merge(e);
  total.merge(later.total);
  for (auto const& [key, n] : later.errors) errors[key] += n;
}

}  // namespace candar::locust
