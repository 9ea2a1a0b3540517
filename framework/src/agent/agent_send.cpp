#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "agent_state.hpp"
#include "candar/failure/codes.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "decompress.hpp"
#include "read_buffer.hpp"
#include "response_parser.hpp"
#include "text.hpp"
#include "transport_errors.hpp"

namespace candar::detail {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using error_code = boost::system::error_code;

std::optional<error> agent_state::received(outgoing const& out, response& res, bool has_set_cookie,
                                           bool has_content_encoding, bool reused, std::string const& method,
                                           web_url const& u, clock_type::time_point deadline) {
  // The parser saw every field name: no lookup for what is not there (the usual case in a load loop).
  if (options.cookies && has_set_cookie) {
    for (auto const& set_cookie : res.headers_named("Set-Cookie"))
      cookies->store(set_cookie, out.host, out.target, out.https);
  }
  // A coding the agent does not know leaves the body as it came, as a browser passes it through.
  if (options.decompress && has_content_encoding && !out.head && decodable(*res.header("Content-Encoding"))) {
    auto decoded = decode_content(*res.header("Content-Encoding"), std::move(res.body),
                                  options.limits.max_decoded_bytes, deadline);
    if (!decoded) return std::move(decoded).error().wrap(method + " " + u.href());
    res.body = std::move(*decoded);
  }
  res.reused_connection = reused;
  res.url = u.href();
  return std::nullopt;
}

bool agent_state::own_traceparent(header_list const& request_headers) const {
  auto const named = [](auto const& h) { return ascii_iequal(h.first, "traceparent"); };
  return std::any_of(request_headers.begin(), request_headers.end(), named) ||
         std::any_of(options.default_headers.begin(), options.default_headers.end(), named);
}

namespace {
bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}
// RFC 9110 9.2.1.
bool safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE"; }
}  // namespace

// RFC 9111 4.4: after a successful unsafe request, what the cache holds for its target is unusable (a read
// after a write must see the write), and so is what it holds for the response's Location and
// Content-Location when they are of the same origin.
void agent_state::invalidate_after_unsafe(web_url const& target, response const& res) {
  cache.invalidate(target.href());
  for (auto const* name : {"Location", "Content-Location"}) {
    auto const value = res.header(name);
    if (!value) continue;
    auto other = web_url::parse(*value, &target);
    if (other && other->same_origin(target)) cache.invalidate(other->href());
  }
}

void agent_state::revalidate_in_background(request const& original, std::string const& url,
                                           header_list const& headers) {
  // One at a time per entry, as Chromium keeps one: a webapp answering "max-age=0, stale-while-revalidate=60"
  // must not turn every hit into one more request.
  if (!revalidating.insert(url).second) return;
  request again(original.owner_, "GET", url);
  again.headers_ = headers;
  again.label_ = original.label_;
  again.timeout_ = original.timeout_;
  again.revalidating_ = true;
  // Detached: the scenario does not wait for it; the agent's state lives as long as the request holds it, and
  // the request's own deadline ends it.
  asio::co_spawn(
      ex,
      [](request q, std::string key) -> asio::awaitable<void> {
        auto const owner = q.owner_;
        (void)co_await std::move(q).send();
        owner->revalidating.erase(key);
      }(std::move(again), url),
      asio::detached);
}

asio::awaitable<outcome> agent_state::send(request r) {
  auto const start = clock_type::now();
  auto const deadline = start + (r.timeout_ > clock_type::duration::zero() ? r.timeout_ : options.timeout);
  std::string const label = options.metrics != nullptr ? label_of(r) : std::string();
  // A request (or the agent's default headers) with a traceparent of its own sends that one, and ours not at all.
  trace_ids ids = tracing && !own_traceparent(r.headers_) ? tracing->next_span() : trace_ids{};
  auto found = resolve(r.target_);
  if (!found)
    co_return recorded(label, error(codes::url, "cannot resolve '" + r.target_ + "': " + found.error().message()), ids);
  auto const resolved = std::move(*found);
  // `current` points at the resolved URL (held by `resolved`) until a redirect gives a new one, kept in `redirected`.
  web_url const* current = resolved.get();
  std::optional<web_url> redirected;
  std::string method = std::move(r.method_);
  std::string body = std::move(r.body_);
  auto headers = std::move(r.headers_);
  response_limits const limits{options.limits.max_header_bytes, options.limits.max_header_count,
                               options.limits.max_body_bytes};

  hop_facts facts;  // for the exchange log (--har)
  for (int hop = 0;; ++hop) {
    bool const cacheable = options.cache && method == "GET";
    // The cache's key; not built when the cache is not involved (an allocation per request in a load loop).
    std::string const url = cacheable ? current->href() : std::string();
    auto const requested = std::chrono::system_clock::now();
    facts = {.method = &method, .url = current, .out = nullptr, .requested = requested, .connection = nullptr};
    if (recorder) facts.since_send = clock_type::now() - start;
    http_cache::lookup_result cached;
    if (cacheable) cached = cache.lookup(url, headers, requested);
    if (cached.revalidate_in_background && r.revalidating_ && hop == 0) {
      cached.what = http_cache::lookup_result::kind::stale;  // this is the background revalidation itself
      cached.stored.reset();
    }
    if (cached.what == http_cache::lookup_result::kind::fresh) {
      if (cached.revalidate_in_background) revalidate_in_background(r, url, headers);
      ++cache_hits;
      response hit = std::move(*cached.stored);
      hit.cache = cache_use::hit;
      hit.reused_connection = false;
      hit.time = {{}, {}, clock_type::now() - start};
      co_return recorded(label, std::move(hit), trace_ids{ids.trace_id, {}, ids.exchanges},
                         &facts);  // no request went out: no span
    }
    // A traced request is never the writer's kept request (its traceparent is new each time).
    if (!ids.empty()) cached.conditional_headers.emplace_back("traceparent", ids.traceparent());
    auto prepared = writer.prepare(method, *current, current == resolved.get() ? &resolved : nullptr, headers,
                                   cached.conditional_headers, body, options.cookies ? cookies.get() : nullptr, pools);
    if (!prepared) co_return recorded(label, std::move(prepared).error(), ids, &facts);
    auto const out_held = std::move(*prepared);  // held: another request of this agent may replace last_sent
    auto const& out = *out_held;
    facts.out = &out;
    auto& pool = *out.pool;

    // The response is read into `got` and moved only to be returned: a response is a dozen members to move.
    response got;
    for (int attempt = 0;; ++attempt) {
      // An idle connection is taken without a coroutine frame: the common case of a keep-alive load. (Not as a
      // conditional expression around co_await: g++ 12 destroys such a temporary too early.)
      std::optional<lease> idle = connection_pool::take_idle(pool);
      if (!idle) {
        auto leased = co_await pools.acquire(pool, out.host, out.port, out.https, deadline);
        if (!leased)
          co_return recorded(label, std::move(leased).error().wrap(method + " " + current->href()), ids, &facts);
        idle.emplace(std::move(*leased));
      }
      auto l = std::move(*idle);
      if (recorder)
        facts.connection = l.h2 ? static_cast<void const*>(l.h2.get()) : static_cast<void const*>(l.conn.get());
      if (l.h2) {
        if (attempt > 0) got = response{};
        auto ended = co_await l.h2->exchange(out_held, got, limits, deadline, start);
        if (ended.failed) {
          // Refused, or beyond the server's GOAWAY: it did nothing with the request. Sent again up to twice on
          // another connection, as Chromium does (kMaxRetryAttempts): the next connection may be near its end too.
          if (ended.unprocessed && attempt < 2 && out.retry_safe) continue;
          // A reused connection lost before any of the response: as a stale HTTP/1.1 one, once.
          if (ended.nothing_came && l.reused && attempt == 0 && out.retry_safe) continue;
          co_return recorded(label, std::move(*ended.failed), ids, &facts);
        }
        got.time.connect = l.connect_time;
        got.protocol = http_protocol::h2;
        if (auto failed = received(out, got, ended.has_set_cookie, ended.has_content_encoding, l.reused, method,
                                   *current, deadline)) {
          co_return recorded(label, std::move(*failed), ids, &facts);
        }
        break;
      }
      auto& c = *l.conn;
      bool const may_retry = l.reused && attempt == 0 && out.retry_safe;

      deadlines.watch(c, deadline, ex);
      auto [wec, sent] = c.write_now(out.wire);
      if (!wec && sent < out.wire.size()) {
        auto [rest_ec, rest_sent] = co_await c.write(std::string_view(out.wire).substr(sent));
        wec = rest_ec;
      }
      if (wec) {
        auto e = failure_of(c, wec);
        discard(pool, l.conn);
        if (may_retry && stale_connection(wec)) continue;
        co_return recorded(label, std::move(e), ids, &facts);
      }

      if (attempt > 0) got = response{};  // a retry starts over
      response_parser parser(got, limits, out.head);
      read_buffer buffer;
      error_code rec;
      bool extra_bytes = false;  // the server sent more than the response: the connection cannot be trusted again
      clock_type::duration first_byte{};
      clock_type::duration last_byte{};  // when the read that ended the response came: one clock read per read
      while (!parser.done() && parser.failed() == response_parser::failure::none) {
        auto [ec, n] = co_await c.read_some(asio::buffer(buffer.data(), read_buffer::size));
        if (n > 0) {
          last_byte = clock_type::now() - start;
          if (first_byte == clock_type::duration::zero()) first_byte = last_byte;
          extra_bytes = parser.feed(std::string_view(buffer.data(), n)) < n;
        }
        if (!ec) continue;
        if (!end_of_stream(ec)) {
          rec = ec;
          break;
        }
        parser.end_of_stream();
      }
      if (rec || !parser.done()) {
        discard(pool, l.conn);
        bool const silent_close = rec ? stale_connection(rec) : parser.failed() == response_parser::failure::truncated;
        if (may_retry && !parser.started() && silent_close) continue;
        co_return recorded(label, rec ? failure_of(c, rec) : failure_of(parser), ids, &facts);
      }
      got.time = {l.connect_time, first_byte, last_byte};
      // The server may refuse keep-alive; a response that came whole as its deadline passed left a closed socket.
      bool const reusable = options.keep_alive && parser.keep_alive() && !extra_bytes && !c.timed_out();
      if (reusable) {
        pools.release(pool, std::move(l.conn));
      } else {
        discard(pool, l.conn);
      }
      if (auto failed = received(out, got, parser.has_set_cookie(), parser.has_content_encoding(), l.reused, method,
                                 *current, deadline)) {
        co_return recorded(label, std::move(*failed), ids, &facts);
      }
      break;
    }
    if (cacheable) {
      auto const received_at = std::chrono::system_clock::now();
      if (got.status == 304 && cached.what == http_cache::lookup_result::kind::stale) {
        if (auto restored = cache.revalidated(url, got, requested, received_at)) {
          restored->cache = cache_use::revalidated;
          restored->time = got.time;
          restored->reused_connection = got.reused_connection;
          co_return recorded(label, std::move(*restored), ids, &facts);
        }
      } else {
        cache.store(url, headers, got, requested, received_at);
      }
    }
    if (options.cache && !safe_method(method) && got.status >= 200 && got.status < 400)
      invalidate_after_unsafe(*current, got);
    if (options.max_redirects <= 0 || !is_redirect(got.status) || !got.header("Location")) {
      // Straight into the awaitable's result: no intermediate outcome to move through.
      record(label, got, std::move(ids), &facts);
      co_return std::move(got);
    }
    // A hop of a redirect: in the flow before the next.
    if (recorder) ids.exchanges = recorder->add(facts, &got, nullptr);
    auto location = got.header("Location");
    if (hop >= options.max_redirects) {
      co_return recorded(label,
                         error(codes::redirect, "more than " + std::to_string(options.max_redirects) +
                                                    " redirects, last to " + std::string(*location)),
                         ids);
    }
    auto next = web_url::parse(*location, current);
    if (!next) {
      co_return recorded(label,
                         error(codes::url, "bad Location '" + std::string(*location) + "' from " + current->href() +
                                               ": " + next.error().message()),
                         ids);
    }
    // RFC 9110 15.4: 303 always, and 301/302 after a POST as browsers do, become a GET without a body.
    if (got.status == 303 || ((got.status == 301 || got.status == 302) && method == "POST")) {
      if (method != "HEAD") method = "GET";
      body.clear();
      std::erase_if(headers, [](auto const& h) { return ascii_iequal(h.first, "Content-Type"); });
    }
    redirected.emplace(std::move(*next));
    current = &*redirected;
  }
}

}  // namespace candar::detail
