#pragma once
// A browser-like HTTP/1.1 client for one virtual user. It lives on one event loop (the one it is made on) and
// must be used from that loop only: its connections, cookies and cache are its own.
//
//   agent a({.base_url = "http://127.0.0.1:8080"});                 // on the loop running this code
//   auto res = co_await a.get("/api/me").header("X-Trace", "1").send();
//   if (!res) step.add_error(std::move(res.error()).wrap("me"));   // "me > timeout"
//   co_await a.post("/login").field("name", name).field("password", pw).send();   // a form, no braces needed
//
// Failures come back as values with a code: timeout, connection, http-parse, too-large, canceled, url.
#include <chrono>
#include <concepts>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>

#include "candar/agent/agent_options.hpp"
#include "candar/agent/cookie_jar.hpp"
#include "candar/agent/form_data.hpp"
#include "candar/agent/html.hpp"
#include "candar/agent/http_cache.hpp"
#include "candar/agent/response.hpp"
#include "candar/failure/error.hpp"
#include "candar/failure/expected.hpp"

namespace candar {

using outcome = expected<response>;

namespace detail {
struct agent_state;
}

class agent;

// A request being built. send() consumes it (the builder is left empty): `co_await a.get("/").send()`.
class request {
 public:
  // Each builder has an lvalue form (a request built in steps: `req.header(...)`) and an rvalue form (a chain
  // on a temporary: `a.get("/").header(...).send()`), so that send(), which uses the builder up, takes only an
  // rvalue: sending one builder twice does not compile.
  // A second header of one name replaces the first (send one field with a comma list for several values);
  // the cache's Vary compares the one that goes out.
  request& header(std::string_view name, std::string_view value) &;
  request&& header(std::string_view name, std::string_view value) && { return std::move(header(name, value)); }
  // Body with Content-Type application/json: the text as given, or an nlohmann::json value, serialized in the
  // library (a scenario file then does not generate nlohmann-json's serializer):
  //   nlohmann::json const body = {{"name", n}};   // a named value, not a braced list inside co_await
  //   co_await a.post("/api/users").json(body).send();
  request& json(std::string_view body) &;
  request&& json(std::string_view body) && { return std::move(json(body)); }
  template <class Json>
    requires std::same_as<Json, nlohmann::json>
  request& json(Json const& value) & {
    return json_value(value);
  }
  template <class Json>
    requires std::same_as<Json, nlohmann::json>
  request&& json(Json const& value) && {
    return std::move(json_value(value));
  }
  // A form field, as a browser submits it: the body is application/x-www-form-urlencoded, or
  // multipart/form-data once a file is added. Chained, so no braced list is needed inside co_await.
  request& field(std::string_view name, std::string_view value) &;
  request&& field(std::string_view name, std::string_view value) && { return std::move(field(name, value)); }
  request& file(std::string_view name, std::string_view filename, std::string_view content_type,
                std::string_view bytes) &;
  request&& file(std::string_view name, std::string_view filename, std::string_view content_type,
                 std::string_view bytes) && {
    return std::move(file(name, filename, content_type, bytes));
  }
  // A whole form: urlencoded, or multipart when it holds a file.
  request& form(form_data fields) &;
  request&& form(form_data fields) && { return std::move(form(std::move(fields))); }
  // A whole form as multipart/form-data even without a file (a form with enctype="multipart/form-data").
  request& multipart(form_data fields) &;
  request&& multipart(form_data fields) && { return std::move(multipart(std::move(fields))); }
  request& body(std::string_view content, std::string_view content_type) &;
  request&& body(std::string_view content, std::string_view content_type) && {
    return std::move(body(content, content_type));
  }
  request& timeout(std::chrono::steady_clock::duration t) &;
  request&& timeout(std::chrono::steady_clock::duration t) && { return std::move(timeout(t)); }
  // The endpoint this request counts under in the metrics ("GET /api/users/:id"); default: method and path.
  request& label(std::string_view name) &;
  request&& label(std::string_view name) && { return std::move(label(name)); }

  // Sends what was built and uses the builder up: `co_await a.get("/").send()`, or `std::move(req).send()` for
  // a request built in steps.
  [[nodiscard]] boost::asio::awaitable<outcome> send() &&;

  [[nodiscard]] std::string const& method() const noexcept { return method_; }
  [[nodiscard]] std::string const& target() const noexcept { return target_; }

 private:
  friend class agent;
  friend struct detail::agent_state;
  request(std::shared_ptr<detail::agent_state> owner, std::string method, std::string target);
  request& json_value(nlohmann::json const& value);

  std::shared_ptr<detail::agent_state> owner_;
  std::string method_;
  std::string target_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
  form_data form_;         // fields added with field()/file()/form(), encoded when sent
  bool has_form_ = false;  // a form was given, even an empty one (a browser still sends its Content-Type)
  bool multipart_ = false;
  std::chrono::steady_clock::duration timeout_{};
  std::string label_;
  bool revalidating_ = false;  // the agent's own background revalidation (stale-while-revalidate)
};

// A page's sub-resources as the agent fetched them (see html.hpp for which ones).
struct fetched_resource {
  subresource ref{};
  std::string url{};  // resolved
  outcome result;
};

struct page_resources {
  std::vector<fetched_resource> items{};
  // Every resource came back 2xx (from the network or the cache).
  [[nodiscard]] bool all_ok() const noexcept;
  [[nodiscard]] std::size_t from_cache() const noexcept;
};

class agent {
 public:
  // On the event loop of the calling thread (runtime::current_executor(): throws off a loop).
  explicit agent(agent_options options = {});
  agent(boost::asio::any_io_executor ex, agent_options options = {});
  ~agent();
  agent(agent const&) = delete;
  agent& operator=(agent const&) = delete;

  [[nodiscard]] request get(std::string_view target);
  [[nodiscard]] request post(std::string_view target);
  [[nodiscard]] request put(std::string_view target);
  [[nodiscard]] request patch(std::string_view target);
  [[nodiscard]] request del(std::string_view target);
  [[nodiscard]] request head(std::string_view target);
  [[nodiscard]] request make(std::string_view method, std::string_view target);

  // Loads what a browser loads for `page` before its load event: scripts, stylesheets, non-lazy images,
  // preloads, through the cache, `parallelism` at once. 0: as a browser, 6 at once when the page came over
  // HTTP/1.1 (a connection each), up to 32 at once when it came over HTTP/2 (streams of its one connection; the
  // server's stream limit queues the rest).
  [[nodiscard]] boost::asio::awaitable<page_resources> load_resources(response const& page,
                                                                      std::size_t parallelism = 0);
  // The same with every request counted under `label` in the metrics ("GET /static/*"), each with `timeout`
  // (zero: the agent's).
  [[nodiscard]] boost::asio::awaitable<page_resources> load_resources(response const& page, std::string label,
                                                                      std::chrono::steady_clock::duration timeout = {},
                                                                      std::size_t parallelism = 0);

  // Connections this agent opened over its life, and those idle now (for tests and figures).
  [[nodiscard]] std::size_t connections_opened() const noexcept;
  [[nodiscard]] std::size_t connections_idle() const noexcept;
  // Closes every idle connection.
  void close_idle();

  [[nodiscard]] agent_options const& options() const noexcept;
  // The next requests belong to a new visit: a new trace (agent_options::trace) and a new flow in the exchange
  // log (--har). user_pool::take() starts one for each lease; does nothing when the agent does neither.
  void new_trace();
  // The current trace's id (32 hex digits), to name it in an error of your own; empty when not traced.
  [[nodiscard]] std::string trace_id() const;
  // The agent's cookies: read them, or clear() them to start as a new visitor.
  [[nodiscard]] cookie_jar& cookies() noexcept;
  // From now on this agent keeps its cookies in `other`'s jar (as two tabs of one browser: an admin page and
  // the shop in the same session). Both must live on the same event loop (std::logic_error otherwise).
  void share_cookies_with(agent const& other);
  // The agent's cache, and how many responses it served with no request.
  [[nodiscard]] http_cache& cache() noexcept;
  [[nodiscard]] std::size_t cache_hits() const noexcept;

 private:
  std::shared_ptr<detail::agent_state> state_;
};

}  // namespace candar
