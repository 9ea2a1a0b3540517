#include "candar/load/logs.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

namespace candar {

logs::logs() : logs(to_stream(std::cout), to_stream(std::cerr)) {}

logs::logs(sink contestant, sink admin) : contestant_(std::move(contestant)), admin_(std::move(admin)) {}

logs::sink logs::to_stream(std::ostream& out) {
  return [&out](std::string_view line) {
    out << line << '\n';
    out.flush();
  };
}

logs::sink logs::discard() {
  return [](std::string_view) {};
}

void logs::contestant(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (contestant_) contestant_(line);
}

void logs::admin(nlohmann::json const& record) {
  auto const line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  if (admin_) admin_(line);
}

}  // namespace candar
