#pragma once
// What an agent is behind its public face, shared with its requests in flight (a request holds it, so the
// agent may go while one is out): the client's concerns (the base URL, cookies, the cache, redirects,
// stale-while-revalidate, metrics) over a connection pool and the request's wire form.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "candar/agent/agent.hpp"
#include "connection_pool.hpp"
#include "deadline_watch.hpp"
#include "exchange_recorder.hpp"
#include "request_wire.hpp"
#include "trace_source.hpp"
#include "web_url.hpp"

namespace candar::detail {

struct agent_state {
  agent_state(boost::asio::any_io_executor e, agent_options o);

  // The resolved URL, or why the target is not one. Shared, not copied, for a repeated target (a load loop
  // asks for the same URL again and again); shared, not borrowed, because other requests of this agent (a
  // page's resources) may resolve other targets while this one is in flight.
  expected<std::shared_ptr<web_url const>> resolve(std::string_view target);

  // The whole request, redirects and the cache included, as one coroutine: every coroutine frame on a
  // request's path costs an allocation and a resumption per request.
  boost::asio::awaitable<outcome> send(request r);

  // Closes `c` and forgets it; with no connection left to the origin, forgets the kept request too.
  void discard(origin_pool& pool, std::unique_ptr<connection> const& c) {
    pools.discard(pool, c);
    writer.forget_if_unconnected();
  }

  boost::asio::any_io_executor ex;
  agent_options options;
  deadline_watch& deadlines = deadline_watch::of(ex);  // the loop's
  connection_pool pools{ex, options, deadlines};
  request_writer writer{options};
  std::shared_ptr<cookie_jar> cookies = std::make_shared<cookie_jar>();  // shared when a scenario asks
  http_cache cache{options.cache_max_bytes};
  std::size_t cache_hits = 0;
  std::unordered_set<std::string> revalidating;  // URLs with a background revalidation in flight: at most one each
  std::optional<trace_source> tracing = trace_source::for_agent(options);               // none: requests go untraced
  std::unique_ptr<exchange_recorder> recorder = exchange_recorder::for_agent(options);  // none: no --har

 private:
  // The label a request is recorded under in the metrics.
  static std::string label_of(request const& r);
  // Records `result` under `label` when the agent has a metrics sink, and passes it on with its trace ids (and,
  // with --har, the flow's exchanges: `hop` is what went out for it).
  outcome recorded(std::string const& label, outcome&& result, trace_ids ids, hop_facts const* hop = nullptr);
  void record(std::string const& label, response& res, trace_ids ids, hop_facts const* hop = nullptr);
  // A response read whole: cookies are stored and the Content-Encoding is undone, within the request's deadline.
  std::optional<error> received(outgoing const& out, response& res, bool has_set_cookie, bool has_content_encoding,
                                bool reused, std::string const& method, web_url const& u,
                                std::chrono::steady_clock::time_point deadline);
  // RFC 9111 4.4: after a successful unsafe request, what the cache holds for its target is unusable.
  void invalidate_after_unsafe(web_url const& target, response const& res);
  // The request or the agent's default headers carry a traceparent of their own.
  bool own_traceparent(header_list const& request_headers) const;
  // A stale-while-revalidate hit: the conditional GET that refreshes the entry goes out on its own, as in
  // Chromium, while the stale response is served. It is recorded in the metrics like any request.
  void revalidate_in_background(request const& original, std::string const& url, header_list const& headers);

  // The last target resolved: a user (and a load loop) asks for the same URL again and again.
  std::string last_target_;
  std::shared_ptr<web_url const> last_url_;
  // options.base_url, read once; null when there is none (or it is not a URL: then every target must be absolute).
  std::shared_ptr<web_url const> base_url_;
  std::string bad_base_url_;  // why base_url could not be read
};

}  // namespace candar::detail
