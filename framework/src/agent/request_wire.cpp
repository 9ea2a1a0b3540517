#include "request_wire.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include <boost/container/small_vector.hpp>

#include "candar/agent/cookie_jar.hpp"
#include "candar/failure/codes.hpp"
#include "connection_pool.hpp"
#include "decompress.hpp"
#include "shared_text.hpp"
#include "text.hpp"

namespace candar::detail {

namespace {

using namespace std::string_view_literals;

// What a browser sends for a page when the caller gave no Accept.
constexpr std::string_view browser_accept =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

// A header the agent would send with a line break in it would be two headers, or a broken request.
bool sendable_header(std::string_view name, std::string_view value) {
  return is_token(name) && std::all_of(value.begin(), value.end(), is_value_char);
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

}  // namespace

request_writer::request_writer(agent_options const& options) : keep_alive_(options.keep_alive) {
  if (!sendable_header("User-Agent", options.user_agent)) bad_option_header_ = "User-Agent";
  for (auto const& [k, v] : options.default_headers) {
    if (!sendable_header(k, v)) bad_option_header_ = k;
  }
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  auto const set = [&fields](std::string_view name, std::string_view value) {
    for (auto& f : fields) {
      if (ascii_iequal(f.first, name)) {
        f.second = value;
        return;
      }
    }
    fields.emplace_back(name, value);
  };
  set("User-Agent", options.user_agent);
  set("Accept", browser_accept);
  if (options.decompress) set("Accept-Encoding", supported_encodings);
  for (auto const& [k, v] : options.default_headers) set(k, v);
  if (!options.keep_alive) set("Connection", "close");
  std::string lines;
  for (auto const& [k, v] : fields) lines.append(k).append(": "sv).append(v).append("\r\n"sv);
  own_lines_ = share_text(lines);
}

template <class F>
void request_writer::for_each_own_field(F each) const {
  std::string_view rest = *own_lines_;
  while (!rest.empty()) {
    auto const end = rest.find("\r\n"sv);
    auto const line = rest.substr(0, end);
    auto const colon = line.find(':');
    each(line.substr(0, colon), line.substr(colon + 2));
    rest.remove_prefix(end + 2);
  }
}

void request_writer::forget_if_unconnected() noexcept {
  if (last_sent_ && last_sent_->pool->open == 0) {
    last_sent_.reset();
    last_sent_url_.reset();
  }
}

expected<std::shared_ptr<outgoing const>> request_writer::prepare(std::string const& method, web_url const& u,
                                                                  std::shared_ptr<web_url const> const* shared_url,
                                                                  header_list const& headers,
                                                                  header_list const& conditional,
                                                                  std::string const& body, cookie_jar* cookies,
                                                                  connection_pool& pools) {
  bool const plain = headers.empty() && conditional.empty() && body.empty() && (method == "GET" || method == "HEAD");
  bool const repeatable = plain && shared_url != nullptr;
  if (repeatable && last_sent_ && last_sent_url_ == *shared_url) {
    auto const& last = *last_sent_;
    std::string_view const wire = last.wire;
    bool const same_method =
        wire.size() > method.size() && wire.substr(0, method.size()) == method && wire[method.size()] == ' ';
    if (same_method) {
      std::string const cookie =
          cookies != nullptr ? cookies->header_for(last.host, last.target, last.https) : std::string();
      if (cookie == wire.substr(last.cookie_at, last.cookie_size)) return last_sent_;
    }
  }
  auto built = std::make_shared<outgoing>();
  auto& out = *built;
  out.https = u.https();
  if (!is_token(method)) return error(codes::url, "bad method '" + method + "'");
  // The agent's own headers were checked once, when it was made; the request's are checked here.
  if (!bad_option_header_.empty())
    return error(codes::url, "header '" + bad_option_header_ + "' has a line break or a bad name");
  for (auto const& [k, v] : headers) {
    if (!sendable_header(k, v)) return error(codes::url, "header '" + k + "' has a line break or a bad name");
  }
  out.head = method == "HEAD";
  out.retry_safe = idempotent(method);
  out.host = u.host();
  out.port = u.port().empty() ? (out.https ? "443" : "80") : std::string(u.port());
  out.target = u.target();

  std::string const cookie_header =
      cookies != nullptr ? cookies->header_for(out.host, out.target, out.https) : std::string();
  bool const has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  // What the agent decides whatever the request says: the length, the jar's cookies, closing without keep-alive.
  auto const decided_by_agent = [&](std::string_view name) {
    return ascii_iequal(name, "Content-Length") || (!cookie_header.empty() && ascii_iequal(name, "Cookie")) ||
           (!keep_alive_ && ascii_iequal(name, "Connection"));
  };
  boost::container::small_vector<std::pair<std::string_view, std::string_view>, 8>
      fields;  // the request's; no allocation
  auto const set_field = [&](std::string_view name, std::string_view value) {
    if (decided_by_agent(name)) return;
    for (auto& f : fields) {
      if (ascii_iequal(f.first, name)) {
        f.second = value;  // the later of two fields of a name wins
        return;
      }
    }
    fields.emplace_back(name, value);
  };
  for (auto const& [k, v] : headers) set_field(k, v);
  for (auto const& [k, v] : conditional) set_field(k, v);
  auto const requested = [&fields](std::string_view name) {
    return std::any_of(fields.begin(), fields.end(), [name](auto const& f) { return ascii_iequal(f.first, name); });
  };
  bool replaces_own = false;
  if (!fields.empty())
    for_each_own_field(
        [&](std::string_view name, std::string_view) { replaces_own = replaces_own || requested(name); });

  auto& wire = out.wire;
  std::size_t size = method.size() + out.target.size() + 13 + 10 + out.host.size() + out.port.size() +
                     own_lines_->size() + (cookie_header.empty() ? 0 : cookie_header.size() + 10) + 2 +
                     (has_body ? body.size() + 40 : 0);
  for (auto const& [k, v] : fields) size += k.size() + v.size() + 4;
  wire.reserve(size);  // as exact as cheap: a kept request holds its bytes
  wire.append(method).append(" "sv).append(out.target).append(" HTTP/1.1\r\n"sv);
  if (!requested("Host")) {
    wire.append("Host: "sv).append(out.host);
    if (!u.port().empty()) wire.append(":"sv).append(out.port);
    wire.append("\r\n"sv);
  }
  if (!replaces_own) {
    wire.append(*own_lines_);
  } else {
    for_each_own_field([&](std::string_view name, std::string_view value) {
      if (!requested(name)) wire.append(name).append(": "sv).append(value).append("\r\n"sv);
    });
  }
  for (auto const& [k, v] : fields) wire.append(k).append(": "sv).append(v).append("\r\n"sv);
  if (!cookie_header.empty()) {
    wire.append("Cookie: "sv);
    out.cookie_at = wire.size();
    out.cookie_size = cookie_header.size();
    wire.append(cookie_header).append("\r\n"sv);
  }
  if (has_body) {
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, body.size()).ptr;
    wire.append("Content-Length: "sv).append(digits, static_cast<std::size_t>(end - digits)).append("\r\n"sv);
  }
  wire.append("\r\n"sv);
  if (has_body) wire.append(body);

  out.pool = &pools.of(out.https, out.host, out.port);
  if (repeatable) {
    last_sent_ = built;
    last_sent_url_ = *shared_url;
  }
  return std::shared_ptr<outgoing const>(std::move(built));
}

}  // namespace candar::detail
