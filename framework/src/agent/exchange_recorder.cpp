#include "exchange_recorder.hpp"

#include <atomic>

#include <fmt/format.h>

#include "candar/agent/agent_options.hpp"
#include "candar/agent/response.hpp"
#include "candar/failure/error.hpp"
#include "failure/utc_time.hpp"
#include "request_wire.hpp"
#include "web_url.hpp"

namespace candar::detail {

namespace {

std::atomic<bool> run_records{false};

double ms_of(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The request as it went: its HTTP/1.1 form, from which its HTTP/2 fields are made too (request_wire.hpp).
void read_wire(std::string_view wire, recorded_exchange& e) {
  auto const head_end = wire.find("\r\n\r\n");
  auto head = wire.substr(0, head_end);
  auto const body = head_end == std::string_view::npos ? std::string_view() : wire.substr(head_end + 4);
  e.request_body = kept_body(body);
  e.request_body_size = body.size();
  auto line_end = head.find("\r\n");
  std::size_t kept_bytes = 0;
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 2);
    line_end = head.find("\r\n");
    auto const line = head.substr(0, line_end);
    auto const colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    kept_bytes += line.size();
    if (kept_bytes > recorded_exchange::max_body_bytes) {  // a Cookie header may reach 720 KiB
      e.request_headers_cut = true;
      return;
    }
    e.request_headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
}

}  // namespace

std::unique_ptr<exchange_recorder> exchange_recorder::for_agent(agent_options const& options) {
  if (!options.record_exchanges && !run_records.load(std::memory_order_acquire)) return nullptr;
  return std::make_unique<exchange_recorder>();
}

std::shared_ptr<exchange_history const> exchange_recorder::add(hop_facts const& hop, response const* got,
                                                               error const* failed) {
  recorded_exchange e;
  e.started = rfc3339_utc(hop.requested);
  if (hop.method != nullptr) e.method = *hop.method;
  if (hop.url != nullptr) e.url = hop.url->href().substr(0, recorded_exchange::max_body_bytes);
  if (hop.out != nullptr) read_wire(hop.out->wire, e);
  if (hop.connection != nullptr) e.connection = fmt::format("{}", hop.connection);
  e.http_version = got != nullptr && got->protocol == http_protocol::h2 ? "HTTP/2" : "HTTP/1.1";
  if (got != nullptr) {
    e.status = got->status;
    // A webapp's headers are bounded by the agent's limits (64 KiB); what a flow keeps of them, as of a body.
    std::size_t kept_bytes = 0;
    for (auto const& [name, value] : got->headers) {
      kept_bytes += name.size() + value.size();
      if (kept_bytes > recorded_exchange::max_body_bytes) {
        e.response_headers_cut = true;
        break;
      }
      e.response_headers.emplace_back(std::string(name), std::string(value));
    }
    e.response_body = kept_body(got->body);
    e.response_body_size = got->body.size();
    e.connect_ms = got->time.connect == std::chrono::steady_clock::duration::zero() ? -1 : ms_of(got->time.connect);
    // The response's times count from the start of send(): a redirect's later hop begins later.
    e.wait_ms = std::max(0.0, ms_of(got->time.first_byte) - ms_of(hop.since_send) - std::max(0.0, e.connect_ms));
    e.receive_ms = std::max(0.0, ms_of(got->time.total) - ms_of(got->time.first_byte));
    e.cache = got->cache == cache_use::hit ? "hit" : got->cache == cache_use::revalidated ? "revalidated" : "";
  }
  if (failed != nullptr) e.error = failed->summary();
  flow_ = exchange_history::after(std::move(flow_), std::move(e));
  return flow_;
}

}  // namespace candar::detail

namespace candar {

void record_exchanges_this_run() { detail::run_records.store(true, std::memory_order_release); }

}  // namespace candar
