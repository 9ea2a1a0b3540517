#pragma once
// W3C Trace Context ids (https://www.w3.org/TR/trace-context/): the trace a request belongs to (a user's flow)
// and its own span, as the `traceparent` header carries them. An error keeps the ids of the request it came
// from, so a contestant can find that request in their own access log.
#include <memory>
#include <string>

#include "candar/failure/exchange_log.hpp"

namespace candar {

struct trace_ids {
  std::string trace_id{};  // 32 lowercase hex digits, not all zero; empty: the request was not traced
  std::string span_id{};   // 16 lowercase hex digits, not all zero
  // With --har: the flow's exchanges up to and including this request's (exchange_log.hpp); null otherwise.
  std::shared_ptr<exchange_history const> exchanges{};

  [[nodiscard]] bool empty() const noexcept { return trace_id.empty(); }
  // The traceparent header's value: "00-<trace_id>-<span_id>-01" (version 00, sampled).
  [[nodiscard]] std::string traceparent() const { return "00-" + trace_id + "-" + span_id + "-01"; }
};

}  // namespace candar
