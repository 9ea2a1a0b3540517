#pragma once
// The bodies of the messages a Locust 2.x worker sends and of the spawn message it reads
// (docs/locust-worker-protocol.md), apart from the session that decides when each goes.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msgpack.hpp"

namespace candar::locust {

// "<host>_<32 hex digits>", as Locust names its workers.
std::string make_node_id();

struct spawn_message {
  std::optional<double> timestamp;                          // absent: applied whatever came before
  std::vector<std::pair<std::string, std::int64_t>> asked;  // classes and counts, in the master's order
};
// Nothing when the message names no user classes; negative counts and names that are not strings are dropped.
std::optional<spawn_message> read_spawn(msgpack::value const& data);

std::string heartbeat_body(std::string_view state, double cpu_percent, std::int64_t resident_bytes);
// spawning_complete: the users running per class, and their total.
std::string spawning_complete_body(std::map<std::string, std::int64_t> const& running);
// An exception on the master's table: grouped by its traceback, so each message gets its own.
std::string exception_body(std::string_view message, std::string_view traceback);

}  // namespace candar::locust
