#pragma once
// A request's HTTP/1.1 bytes, serialized by hand into one buffer (Beast's general serializer cost more CPU per
// request than everything else the agent does, measured with perf against nginx). The agent's own fields
// (User-Agent, Accept, Accept-Encoding, its default headers, Connection: close without keep-alive) are
// serialized once when it is made and sent as that block unless a request replaces one of them; the last plain
// request is kept and sent again as it is while its URL and cookies stay the same.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "candar/agent/agent_options.hpp"
#include "candar/failure/expected.hpp"
#include "web_url.hpp"

namespace candar {
class cookie_jar;
}

namespace candar::detail {

class connection_pool;
struct origin_pool;
struct h2_request_fields;

// A request made ready to go out: its bytes, and the origin they go to.
struct outgoing {
  std::string wire;
  std::string host;
  std::string port;
  std::string target;  // path and query
  bool https = false;
  bool head = false;
  bool retry_safe = false;  // idempotent: may be sent again on a fresh connection
  origin_pool* pool = nullptr;
  std::size_t cookie_at = 0;  // where the Cookie value is in `wire`, and how long (0: none)
  std::size_t cookie_size = 0;
  // The same request as HTTP/2 fields, made when it first goes over h2: a kept request is sent again as it is.
  mutable std::shared_ptr<h2_request_fields const> h2_fields;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class request_writer {
 public:
  explicit request_writer(agent_options const& options);

  // `shared_url` holds `u` when it is the agent's resolved (shared) URL; null for a redirect's. (A pointer, not a
  // copy: a copy of a shared_ptr is two atomic operations per request for nothing.) `cookies` is null when the
  // agent sends none.
  expected<std::shared_ptr<outgoing const>> prepare(std::string const& method, web_url const& u,
                                                    std::shared_ptr<web_url const> const* shared_url,
                                                    header_list const& headers, header_list const& conditional,
                                                    std::string const& body, cookie_jar* cookies,
                                                    connection_pool& pools);
  // No connection left to the kept request's origin: the agent is idle there, and an idle agent holds no
  // request bytes.
  void forget_if_unconnected() noexcept;

 private:
  // The agent's own fields one by one, read back from own_lines_ (only for a request that replaces one).
  template <class F>
  void for_each_own_field(F each) const;

  bool keep_alive_;
  std::string bad_option_header_;  // a default header that cannot be sent: every request fails with it
  // Shared by the agents of a loop made with the same options, as ten thousand users send the same lines.
  std::shared_ptr<std::string const> own_lines_;
  // The last request with nothing of its own (a GET or HEAD with no header, body or condition): a user polling
  // an endpoint, or a load loop, asks for the same URL again and again, and building the bytes cost more than
  // parsing the response.
  std::shared_ptr<outgoing const> last_sent_;
  std::shared_ptr<web_url const> last_sent_url_;
};

}  // namespace candar::detail
