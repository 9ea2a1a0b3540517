#include "har_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>

#include "candar/failure/error_collection.hpp"
#include "candar/failure/exchange_log.hpp"
#include "failure/utf8_text.hpp"

namespace candar::detail {

namespace {

using json = nlohmann::json;

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    auto const byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
    std::uint32_t v = byte(i) << 16U;
    if (i + 1 < bytes.size()) v |= byte(i + 1) << 8U;
    if (i + 2 < bytes.size()) v |= byte(i + 2);
    out += alphabet[(v >> 18U) & 63U];
    out += alphabet[(v >> 12U) & 63U];
    out += i + 1 < bytes.size() ? alphabet[(v >> 6U) & 63U] : '=';
    out += i + 2 < bytes.size() ? alphabet[v & 63U] : '=';
  }
  return out;
}

using header_pairs = std::vector<std::pair<std::string, std::string>>;

json headers_of(header_pairs const& headers) {
  json out = json::array();
  for (auto const& [name, value] : headers) out.push_back({{"name", valid_utf8(name)}, {"value", valid_utf8(value)}});
  return out;
}

std::string header_value(header_pairs const& headers, std::string_view name) {
  for (auto const& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return valid_utf8(v);
    }
  }
  return {};
}

// The query's pairs as written (HAR does not decode them either).
json query_of(std::string const& url) {
  json out = json::array();
  auto const q = url.find('?');
  if (q == std::string::npos) return out;
  std::string_view rest(url);
  rest.remove_prefix(q + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    auto const amp = rest.find('&');
    auto const pair = rest.substr(0, amp);
    auto const eq = pair.find('=');
    out.push_back({{"name", valid_utf8(pair.substr(0, eq))},
                   {"value", eq == std::string_view::npos ? std::string() : valid_utf8(pair.substr(eq + 1))}});
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// Text as it is when it is UTF-8; other bytes as base64, as HAR's content.encoding says.
void put_body(json& into, std::string const& body) {
  if (valid_utf8(body) == body) {
    into["text"] = body;
  } else {
    into["text"] = base64(body);
    into["encoding"] = "base64";
  }
}

json entry_of(recorded_exchange const& e, std::string const& page) {
  json request{{"method", valid_utf8(e.method)},
               {"url", valid_utf8(e.url)},
               {"httpVersion", e.http_version},
               {"cookies", json::array()},
               {"headers", headers_of(e.request_headers)},
               {"queryString", query_of(e.url)},
               {"headersSize", -1},
               {"bodySize", e.request_body_size}};
  if (e.request_headers_cut) request["comment"] = "the headers past 16 KiB are not kept";
  if (e.request_body_size > 0) {
    json post{{"mimeType", header_value(e.request_headers, "Content-Type")}};
    put_body(post, e.request_body);
    // HAR's postData has no encoding: a body that is not UTF-8 says so in its comment.
    if (post.contains("encoding")) {
      post.erase("encoding");
      post["_encoding"] = "base64";
      post["comment"] = "base64: the body is not UTF-8";
    }
    if (e.request_body.size() < e.request_body_size) {
      post["comment"] = post.value("comment", std::string()) + (post.contains("comment") ? "; " : "") + "cut at 16 KiB";
    }
    request["postData"] = std::move(post);
  }
  json content{{"size", e.response_body_size}, {"mimeType", header_value(e.response_headers, "Content-Type")}};
  put_body(content, e.response_body);
  if (e.response_body.size() < e.response_body_size) content["comment"] = "cut at 16 KiB";
  json response{{"status", e.status},
                {"statusText", ""},
                {"httpVersion", e.http_version},
                {"cookies", json::array()},
                {"headers", headers_of(e.response_headers)},
                {"content", std::move(content)},
                {"redirectURL", header_value(e.response_headers, "Location")},
                {"headersSize", -1},
                {"bodySize", -1}};
  if (e.response_headers_cut) response["comment"] = "the headers past 16 KiB are not kept";
  double const connect = e.connect_ms < 0 ? 0 : e.connect_ms;
  json entry{
      {"pageref", page},
      {"startedDateTime", e.started},
      {"time", connect + e.wait_ms + e.receive_ms},
      {"request", std::move(request)},
      {"response", std::move(response)},
      {"cache", e.cache.empty() ? json::object() : json{{"comment", "served by the agent's cache (" + e.cache + ")"}}},
      {"timings",
       {{"blocked", -1},
        {"dns", -1},
        {"connect", e.connect_ms},
        {"ssl", -1},
        {"send", 0},
        {"wait", e.wait_ms},
        {"receive", e.receive_ms}}}};
  if (!e.connection.empty()) entry["connection"] = e.connection;
  if (!e.error.empty()) entry["_error"] = e.error;
  return entry;
}

}  // namespace

json har_of(error_collection const& errors, std::string_view candar_version, std::size_t per_code) {
  json pages = json::array();
  json entries = json::array();
  std::set<exchange_history const*> seen;  // an error counts under each code of its chain: its flow goes once
  for (auto const& [code, n] : errors.counts()) {
    // The code's first errors, as the result's first_messages begins: each message the report shows can link
    // to its flow.
    for (auto const& e : errors.first(code, per_code)) {
      auto const& history = e.trace_context().exchanges;
      if (!history || !seen.insert(history.get()).second) continue;
      auto const page = "flow-" + std::to_string(pages.size() + 1);
      auto flow = history->in_order();
      // In the order they went: a page's sub-resources, sent at once, are kept as they ended.
      std::stable_sort(flow.begin(), flow.end(), [](auto const& a, auto const& b) { return a->started < b->started; });
      pages.push_back({{"startedDateTime", flow.front()->started},
                       {"id", page},
                       {"title", e.summary()},
                       {"pageTimings", {{"onContentLoad", -1}, {"onLoad", -1}}},
                       {"comment", "the flow that led to an error of code " + code}});
      for (std::size_t i = 0; i < flow.size(); ++i) {
        auto entry = entry_of(*flow[i], page);
        if (i + 1 == flow.size()) entry["comment"] = e.summary();  // the exchange the error is about
        entries.push_back(std::move(entry));
      }
    }
  }
  return {{"log",
           {{"version", "1.2"},
            {"creator", {{"name", "candar"}, {"version", std::string(candar_version)}}},
            {"pages", std::move(pages)},
            {"entries", std::move(entries)},
            {"comment", "the flows that led to the run's first errors of each code (at most " +
                            std::to_string(per_code) + " a code)"}}}};
}

}  // namespace candar::detail
