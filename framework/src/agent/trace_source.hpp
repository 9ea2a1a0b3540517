#pragma once
// Where an agent's trace and span ids come from: its own stream of the seeded generator (the same seed and the
// same order of agents made, the same ids), a new trace per visit, a new span per request.
#include <cstdint>
#include <optional>
#include <string>

#include "candar/agent/agent_options.hpp"
#include "candar/failure/trace_ids.hpp"
#include "candar/random/seeded_random.hpp"

namespace candar::detail {

class trace_source {
 public:
  // None when `options` say the agent's requests go untraced.
  static std::optional<trace_source> for_agent(agent_options const& options);

  explicit trace_source(seeded_random stream);
  void new_trace();
  // A new span of the current trace.
  [[nodiscard]] trace_ids next_span();
  [[nodiscard]] std::string const& trace_id() const noexcept { return trace_id_; }

 private:
  seeded_random random_;
  std::string trace_id_;
};

}  // namespace candar::detail
