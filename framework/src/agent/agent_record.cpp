// What a request leaves behind, whatever its protocol: the label it is counted under (an endpoint, not a user),
// its row in the metrics, its trace ids and its entry in the exchange log.
#include "agent_state.hpp"
#include "candar/metrics/endpoint_metrics.hpp"

namespace candar::detail {

std::string agent_state::label_of(request const& r) {
  if (!r.label_.empty()) return r.label_;
  // Ids in the path become ":id": one row per endpoint, not per user.
  std::string label;
  label.reserve(r.method_.size() + 1 + r.target_.size());
  label += r.method_;
  label += ' ';
  append_route_template(label, r.target_);
  return label;
}

void agent_state::record(std::string const& label, response& res, trace_ids ids, hop_facts const* hop) {
  if (recorder && hop != nullptr) ids.exchanges = recorder->add(*hop, &res, nullptr);
  if (!ids.empty() || ids.exchanges) res.trace = std::move(ids);
  if (options.metrics != nullptr) options.metrics->record(label, res.status, res.time.total, res.body.size());
}

outcome agent_state::recorded(std::string const& label, outcome&& result, trace_ids ids, hop_facts const* hop) {
  if (recorder && hop != nullptr) {
    ids.exchanges = result ? recorder->add(*hop, &*result, nullptr) : recorder->add(*hop, nullptr, &result.error());
  }
  if (!ids.empty() || ids.exchanges) {
    if (result) {
      result->trace = std::move(ids);
    } else {
      result.error().set_trace_context(std::move(ids));
    }
  }
  if (options.metrics == nullptr) return result;
  if (result) {
    options.metrics->record(label, result->status, result->time.total, result->body.size());
  } else {
    options.metrics->record_error(label, result.error().inner_code());
  }
  return result;
}

}  // namespace candar::detail
