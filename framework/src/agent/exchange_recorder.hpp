#pragma once
// With --har (record_exchanges_this_run()), an agent keeps the exchanges of its current flow (a user's visit:
// from one new_trace() to the next) so that a response or an error can carry the flow that led to it
// (trace_ids::exchanges). Off, the agent holds none and a request pays one branch.
#include <chrono>
#include <memory>
#include <string>

#include "candar/failure/exchange_log.hpp"

namespace candar {
struct agent_options;
struct response;
class error;
}  // namespace candar

namespace candar::detail {

class web_url;
struct outgoing;

// What a hop of send() knows besides its response or error.
struct hop_facts {
  std::string const* method = nullptr;
  web_url const* url = nullptr;
  outgoing const* out = nullptr;  // null: nothing went out (a cache hit, or it failed before)
  std::chrono::system_clock::time_point requested{};
  void const* connection = nullptr;                  // what carried it: the same for each request on one connection
  std::chrono::steady_clock::duration since_send{};  // when this hop began, from the start of send()
};

class exchange_recorder {
 public:
  // One when the run records exchanges or the agent was asked to, else none.
  [[nodiscard]] static std::unique_ptr<exchange_recorder> for_agent(agent_options const& options);

  void new_flow() noexcept { flow_.reset(); }
  // The flow with this exchange at its end: its history, for the response or the error.
  std::shared_ptr<exchange_history const> add(hop_facts const& hop, response const* got, error const* failed);

 private:
  std::shared_ptr<exchange_history const> flow_;
};

}  // namespace candar::detail
