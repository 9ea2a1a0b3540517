#include "client.hpp"

#include <fmt/format.h>

#include "candar/check/json_parse.hpp"
#include "codes.hpp"

namespace isuchair {

client::client(candar::step& s, candar::agent& a, master_version& mv, std::string_view flow_code)
    : step_(s), agent_(a), master_(mv), flow_code_(flow_code) {}

bool client::phase_over() const { return step_.context().done(); }

void client::score(std::string_view tag) {
  if (step_.current_phase() == candar::phase::load) step_.add_score(tag);
}

void client::fail(candar::error e) {
  if (phase_over()) return;  // canceled by the end of the phase: not the webapp's fault
  // An error about no request in particular (a page's missing element) is still the flow's: its trace.
  if (e.trace_context().empty() && !agent_.trace_id().empty()) e.set_trace_context({agent_.trace_id(), {}});
  step_.add_error(std::move(e).wrap(flow_code_));
}

boost::asio::awaitable<bool> client::start() {
  expectation const expect{.status = 200, .values = nullptr, .score = true};
  auto const c = co_await send("GET /api/version", "/api/version", nullptr, expect);
  if (!c.ok()) co_return false;
  version_ = c.body.at("master_version").get<std::string>();
  co_return true;
}

boost::asio::awaitable<call> client::send(std::string_view endpoint_name, std::string_view target,
                                          nlohmann::json const* body, expectation expect) {
  endpoint const& e = api_.at(endpoint_name);
  auto req = agent_.make(e.method, target).label(e.name);
  if (e.versioned) req.header(api_.version_header(), version_);
  if (body != nullptr) req.json(*body);
  auto const sent = master_version::clock::now();
  auto res = co_await std::move(req).send();

  call c;
  // Every error below is about this request: it names its trace and span (--trace).
  candar::trace_ids const ids = res ? res->trace : res.error().trace_context();
  if (!res) {
    auto const& err = res.error();
    auto const code = std::string(err.inner_code());
    fail(candar::error(code, fmt::format("{}: {}", e.name, err.message())).with_trace(ids).wrap(codes::gave_up));
    c.state_known = false;
    co_return c;
  }
  c.status = res->status;
  auto const json_body = e.responses.contains(c.status) && e.responses.at(c.status).is_string()
                             ? e.responses.at(c.status).get<std::string>()
                             : std::string("json");
  if (json_body == "json") {
    c.body = candar::parse_json(res->body);
    if (c.body.is_discarded()) c.body = nullptr;
  }
  c.response = std::move(*res);

  if (e.versioned && c.status == api_.refused_status() && expect.status != c.status) {
    auto const theirs = c.body.is_object() && c.body.contains("master_version") && c.body["master_version"].is_string()
                            ? c.body["master_version"].get<std::string>()
                            : std::string();
    if (master_.refresh_explains(version_, theirs)) {
      c.what = call::kind::restart;
      co_return c;
    }
  }
  if (c.status != expect.status) {
    auto const code = expect.wrong_status_code.empty() ? codes::status : expect.wrong_status_code;
    fail(candar::error(code, fmt::format("{}: expected status {}, got {}", e.name, expect.status, c.status))
             .with_trace(ids));
    // After an unexpected answer to a write, whether it was applied is unknown (a proxy's 504 after the commit):
    // the user leaves, so that a later read of theirs is not blamed for it.
    if (e.method != "GET") c.state_known = false;
    co_return c;
  }
  if (json_body == "json" && c.body.is_null()) {
    fail(candar::error(codes::response, fmt::format("{}: the body is not JSON", e.name)).with_trace(ids));
    c.state_known = false;
    co_return c;
  }
  if (json_body == "json") {
    auto problem = api_.check_response(e, c.status, c.body);
    if (!problem && expect.values != nullptr) problem = first_difference(*expect.values, c.body);
    if (problem) {
      fail(candar::error(codes::response, fmt::format("{}: {}", e.name, *problem)).with_trace(ids));
      c.state_known = false;
      co_return c;
    }
  }
  if (e.versioned && c.status / 100 == 2 && master_.must_refuse(version_, sent)) {
    fail(
        candar::error(codes::master_version, fmt::format("{}: served with the outdated master version {} (expected {})",
                                                         e.name, version_, api_.refused_status()))
            .with_trace(ids));
    co_return c;
  }
  if (phase_over()) {  // completed after the load window: does not score
    // A write the webapp applied while the flow stops here, before its model update: the user leaves, or the
    // model would hold them one write behind (the check after a restart compares exactly those users).
    if (e.method != "GET") c.state_known = false;
    co_return c;
  }
  c.what = call::kind::ok;
  if (expect.score) score(e.tag);
  co_return c;
}

}  // namespace isuchair
