#include "support/dns_server.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace candar::test {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::uint16_t type_a = 1;

std::uint16_t read16(std::vector<std::uint8_t> const& m, std::size_t at) {
  return static_cast<std::uint16_t>((m[at] << 8) | m[at + 1]);
}
void put16(std::vector<std::uint8_t>& m, std::uint16_t v) {
  m.push_back(static_cast<std::uint8_t>(v >> 8));
  m.push_back(static_cast<std::uint8_t>(v & 0xff));
}

}  // namespace

struct dns_server::impl {
  std::map<std::string, record> names;
  behaviour how;
  asio::io_context io{1};
  udp::socket socket{io, udp::endpoint(asio::ip::address_v4::loopback(), 0)};
  std::uint16_t const port = socket.local_endpoint().port();
  std::atomic<std::size_t> queries{0};
  std::atomic<std::size_t> a_queries{0};
  std::thread thread;

  impl(std::map<std::string, record> n, behaviour b) : names(std::move(n)), how(b) {}

  // The reply to one query, or nothing for a message that is not one.
  std::vector<std::uint8_t> reply_to(std::vector<std::uint8_t> const& q) {
    if (q.size() < 12 || read16(q, 4) != 1) return {};
    std::string name;
    std::size_t at = 12;
    while (at < q.size() && q[at] != 0) {
      std::size_t const label = q[at];
      if (label > 63 || at + 1 + label > q.size()) return {};
      if (!name.empty()) name.push_back('.');
      name.append(reinterpret_cast<char const*>(&q[at + 1]), label);
      at += 1 + label;
    }
    if (at + 5 > q.size()) return {};
    std::size_t const question_end = at + 5;
    std::uint16_t const type = read16(q, at + 1);
    if (type == type_a) a_queries.fetch_add(1);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto const found = names.find(name);
    bool const answer = found != names.end() && type == type_a;
    std::vector<std::uint8_t> r(q.begin(), q.begin() + 2);  // the query's id
    put16(r, found == names.end() ? 0x8183 : 0x8180);       // a response, recursion available; NXDOMAIN or not
    put16(r, 1);
    put16(r, answer ? 1 : 0);
    put16(r, 0);
    put16(r, 0);
    r.insert(r.end(), q.begin() + 12, q.begin() + static_cast<std::ptrdiff_t>(question_end));
    if (answer) {
      put16(r, 0xc00c);  // the name: a pointer to the question's
      put16(r, type_a);
      put16(r, 1);  // IN
      put16(r, static_cast<std::uint16_t>(found->second.ttl >> 16));
      put16(r, static_cast<std::uint16_t>(found->second.ttl & 0xffff));
      put16(r, 4);
      auto const bytes = asio::ip::make_address_v4(found->second.ipv4).to_bytes();
      r.insert(r.end(), bytes.begin(), bytes.end());
    }
    return r;
  }

  void receive() {
    auto buffer = std::make_shared<std::vector<std::uint8_t>>(512);
    auto from = std::make_shared<udp::endpoint>();
    socket.async_receive_from(asio::buffer(*buffer), *from,
                              [this, buffer, from](boost::system::error_code ec, std::size_t n) {
                                if (ec) return;  // closed
                                queries.fetch_add(1);
                                buffer->resize(n);
                                if (how == behaviour::answer) {
                                  auto r = reply_to(*buffer);
                                  boost::system::error_code ignored;  // a lost reply is the client's retry to make
                                  if (!r.empty()) socket.send_to(asio::buffer(r), *from, 0, ignored);
                                }
                                receive();
                              });
  }
};

dns_server::dns_server(std::map<std::string, record> names, behaviour b)
    : impl_(std::make_unique<impl>(std::move(names), b)) {
  impl_->receive();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

dns_server::~dns_server() {
  impl_->io.stop();
  impl_->thread.join();
}

std::string dns_server::address() const { return "127.0.0.1:" + std::to_string(impl_->port); }
std::size_t dns_server::queries() const noexcept { return impl_->queries.load(); }
std::size_t dns_server::a_queries() const noexcept { return impl_->a_queries.load(); }

}  // namespace candar::test
