#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"
#include "candar/runtime/runtime.hpp"
#include "command_line.hpp"
#include "commands.hpp"

namespace candar::cli {

namespace {
namespace asio = boost::asio;

constexpr char const* help =
    "usage: candar fetch URL [--resources] [--header 'Name: value']... [--timeout SECONDS] [--http2] [--json]\n"
    "One page load with the browser-like agent: prints the status, timings, response headers and cookies set.\n"
    "  --resources  also load what a browser loads before the load event (scripts, stylesheets, images) and list it\n"
    "  --header     an extra request header (repeatable)\n"
    "  --timeout  the request's deadline (default 1 s, as the agent's)\n"
    "  --http2    HTTP/2 on http:// too, with prior knowledge (h2c); https:// offers it in ALPN anyway\n"
    "  --json     print a JSON object instead of text\n"
    "Exit: 0 a response came (any status), 1 the request failed, 2 bad usage.\n";

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
}  // namespace

int fetch_command(std::vector<std::string> const& args) {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  double timeout_s = 1;
  bool as_json = false;
  bool resources = false;
  bool http2 = false;
  try {
    command_line cl(
        {.flags = {"help", "json", "resources", "http2"}, .options = {"header", "timeout"}, .repeatable = {"header"}},
        args);
    if (cl.flag("help")) {
      std::cout << help;
      return 0;
    }
    http2 = cl.flag("http2");
    if (cl.positionals().size() != 1) throw usage_error("fetch needs exactly one URL");
    url = cl.positionals()[0];
    require_http_url(url);
    for (auto const& h : cl.values("header")) {
      auto colon = h.find(':');
      if (colon == std::string::npos || colon == 0) throw usage_error("--header needs 'Name: value', got '" + h + "'");
      auto value = h.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      headers.emplace_back(h.substr(0, colon), value);
    }
    timeout_s = cl.seconds("timeout", 1);
    as_json = cl.flag("json");
    resources = cl.flag("resources");
  } catch (usage_error const& e) {
    std::cerr << "candar fetch: " << e.what() << " (see candar fetch --help)\n";
    return 2;
  }

  runtime rt(1);
  std::optional<outcome> result;
  std::optional<page_resources> loaded;
  std::vector<cookie> cookies;
  rt.run([](std::string u, std::vector<std::pair<std::string, std::string>> hs, double t, bool with_resources, bool h2,
            std::optional<outcome>& out, std::optional<page_resources>& res_out,
            std::vector<cookie>& jar) -> asio::awaitable<void> {
    agent_options options;
    options.timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(t));
    if (h2) options.http2 = http2_use::always;
    agent a(co_await asio::this_coro::executor, std::move(options));
    auto req = a.get(u);
    for (auto const& [k, v] : hs) req.header(k, v);
    out = co_await std::move(req).send();
    if (*out && with_resources) res_out = co_await a.load_resources(**out);
    jar = a.cookies().all();
  }(url, headers, timeout_s, resources, http2, result, loaded, cookies));

  auto const cache_name = [](cache_use c) {
    return c == cache_use::hit ? "cache hit" : c == cache_use::revalidated ? "revalidated (304)" : "network";
  };

  auto const& r = *result;
  if (as_json) {
    nlohmann::json j{{"url", url}};
    if (r) {
      nlohmann::json hs = nlohmann::json::array();
      for (auto const& [k, v] : r->headers) hs.push_back({k, v});
      j.update(
          {{"ok", true},
           {"status", r->status},
           {"protocol", r->protocol == http_protocol::h2 ? "h2" : "http/1.1"},
           {"headers", hs},
           {"body_bytes", r->body.size()},
           {"timings_ms",
            {{"connect", ms(r->time.connect)}, {"first_byte", ms(r->time.first_byte)}, {"total", ms(r->time.total)}}}});
      nlohmann::json cs = nlohmann::json::array();
      for (auto const& c : cookies)
        cs.push_back({{"name", c.name}, {"domain", c.domain}, {"path", c.path}, {"host_only", c.host_only}});
      j["cookies"] = cs;
      if (loaded) {
        nlohmann::json items = nlohmann::json::array();
        for (auto const& item : loaded->items) {
          nlohmann::json one{{"kind", item.ref.kind}, {"url", item.url}};
          if (item.result) {
            one.update({{"status", item.result->status},
                        {"bytes", item.result->body.size()},
                        {"cache", cache_name(item.result->cache)},
                        {"ms", ms(item.result->time.total)}});
          } else {
            one["error"] = item.result.error().summary();
          }
          items.push_back(one);
        }
        j["resources"] = items;
      }
    } else {
      j.update({{"ok", false}, {"error", r.error().summary()}, {"code", r.error().inner_code()}});
    }
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return r ? 0 : 1;
  }
  if (!r) {
    std::cerr << "candar fetch: " << url << ": " << r.error().summary() << '\n';
    return 1;
  }
  std::cout << fmt::format("{} {}\n", r->status, url);
  std::cout << fmt::format("timings: connect {:.2f} ms, first byte {:.2f} ms, total {:.2f} ms\n", ms(r->time.connect),
                           ms(r->time.first_byte), ms(r->time.total));
  std::cout << fmt::format("protocol: {}\n", r->protocol == http_protocol::h2 ? "HTTP/2" : "HTTP/1.1");
  std::cout << fmt::format("body: {} bytes\n", r->body.size());
  std::cout << "headers:\n";
  for (auto const& [k, v] : r->headers) std::cout << fmt::format("  {}: {}\n", k, v);
  std::cout << "cookies set:" << (cookies.empty() ? " none" : "") << '\n';
  for (auto const& c : cookies)
    std::cout << fmt::format("  {} (domain {}{}, path {})\n", c.name, c.domain, c.host_only ? ", host only" : "",
                             c.path);
  if (loaded) {
    std::cout << fmt::format("resources: {} ({} from the cache)\n", loaded->items.size(), loaded->from_cache());
    for (auto const& item : loaded->items) {
      if (item.result) {
        std::cout << fmt::format("  {:<10} {} {} {} bytes, {:.2f} ms, {}\n", item.ref.kind, item.result->status,
                                 item.url, item.result->body.size(), ms(item.result->time.total),
                                 cache_name(item.result->cache));
      } else {
        std::cout << fmt::format("  {:<10} {} failed: {}\n", item.ref.kind, item.url, item.result.error().summary());
      }
    }
  }
  return 0;
}

}  // namespace candar::cli
