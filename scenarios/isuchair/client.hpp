#pragma once
// One flow's view of the webapp: an agent, the master version the flow started with, and the contract. Every
// call is checked the same way, so no flow writes a check by hand:
//   1. no response in time, or a connection failure: an error (gave-up, the user leaves);
//   2. 422 because the benchmarker published a new master version: `restart`, not an error;
//   3. any other status than the expected one: a `status` error naming the endpoint;
//   4. the body against the contract's type for that status, then against what the model expects
//      (`first_difference`): a `response` error (validation: the run fails) naming the endpoint and the path;
//   5. a success sent with an outdated version after the refresh was confirmed: a `master-version` error.
// A success in the Load phase scores the endpoint's tag (from the contract). Nothing is reported once the phase
// has ended.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"
#include "candar/benchmark/step.hpp"
#include "isuchair/contract.hpp"
#include "master_version.hpp"

namespace isuchair {

struct call {
  enum class kind { ok, failed, restart };
  kind what = kind::failed;
  int status = 0;
  bool state_known = true;  // false when the webapp may have applied a write the model did not (no response,
                            // a wrong body): the user must leave the pool
  nlohmann::json body;      // parsed, when the endpoint answers JSON
  candar::response response;

  [[nodiscard]] bool ok() const noexcept { return what == kind::ok; }
};

struct expectation {
  int status = 200;
  nlohmann::json const* values = nullptr;  // compared with first_difference; null: the contract's shape only
  bool score = true;
  // The code of a wrong status (default `status`, a scenario error); e.g. `banned` for a banned user let in.
  std::string_view wrong_status_code = {};
};

class client {
 public:
  client(candar::step& s, candar::agent& a, master_version& mv, std::string_view flow_code);

  // GET /api/version: the version this flow's requests carry from now on.
  boost::asio::awaitable<bool> start();
  // endpoint: the contract's name ("POST /api/login"); target: the path with its parameters filled in.
  boost::asio::awaitable<call> send(std::string_view endpoint, std::string_view target, nlohmann::json const* body,
                                    expectation expect);

  // Adds to a score tag, in the Load phase only: Prepare's and Validate's checks do not score.
  void score(std::string_view tag);
  // Records an error of this flow (wrapped in the flow's code), unless the phase has ended.
  void fail(candar::error e);
  [[nodiscard]] bool phase_over() const;
  [[nodiscard]] std::string const& version() const noexcept { return version_; }
  // For probes that must carry a given (e.g. outdated) version.
  void set_version(std::string v) { version_ = std::move(v); }
  [[nodiscard]] candar::agent& agent() noexcept { return agent_; }
  [[nodiscard]] candar::step& step() noexcept { return step_; }

 private:
  candar::step& step_;
  candar::agent& agent_;
  master_version& master_;
  std::string flow_code_;
  std::string version_;
  contract const& api_ = contract::isuchair();
};

}  // namespace isuchair
