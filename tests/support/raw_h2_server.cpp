#include "support/raw_h2_server.hpp"

#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/self_signed.hpp"

namespace candar::test {

namespace h2_frames {

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload) {
  auto const n = static_cast<std::uint32_t>(payload.size());
  std::string out{static_cast<char>(n >> 16),      static_cast<char>(n >> 8),      static_cast<char>(n),
                  static_cast<char>(type),         static_cast<char>(flags),       static_cast<char>(stream >> 24),
                  static_cast<char>(stream >> 16), static_cast<char>(stream >> 8), static_cast<char>(stream)};
  return out.append(payload);
}

namespace {
std::string u32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
// RFC 7541 5.1: an integer with an N-bit prefix, the prefix's other bits from `first`.
std::string hpack_integer(std::size_t value, int prefix_bits, std::uint8_t first) {
  std::size_t const max = (1U << prefix_bits) - 1;
  std::string out;
  if (value < max) return out.append(1, static_cast<char>(first | value));
  out.push_back(static_cast<char>(first | max));
  value -= max;
  while (value >= 128) {
    out.push_back(static_cast<char>((value % 128) + 128));
    value /= 128;
  }
  out.push_back(static_cast<char>(value));
  return out;
}
}  // namespace

std::string settings(std::vector<std::pair<std::uint16_t, std::uint32_t>> const& values) {
  std::string payload;
  for (auto const& [id, value] : values)
    payload.append({static_cast<char>(id >> 8), static_cast<char>(id)}).append(u32(value));
  return frame(4, 0, 0, payload);
}

std::string settings_ack() { return frame(4, 1, 0, ""); }

std::string field(std::string_view name, std::string_view value, bool indexed) {
  std::string out = indexed ? std::string(1, '\x40') : std::string(1, '\0');
  out += hpack_integer(name.size(), 7, 0);
  out.append(name);
  out += hpack_integer(value.size(), 7, 0);
  return out.append(value);
}

std::string headers(std::uint32_t stream, std::string_view block, bool end_stream, bool end_headers) {
  return frame(1, static_cast<std::uint8_t>((end_stream ? 1 : 0) | (end_headers ? 4 : 0)), stream, block);
}

std::string continuation(std::uint32_t stream, std::string_view block, bool end_headers) {
  return frame(9, end_headers ? 4 : 0, stream, block);
}

std::string data(std::uint32_t stream, std::string_view payload, bool end_stream) {
  return frame(0, end_stream ? 1 : 0, stream, payload);
}

std::string rst_stream(std::uint32_t stream, std::uint32_t code) { return frame(3, 0, stream, u32(code)); }

std::string goaway(std::uint32_t last_stream, std::uint32_t code) {
  return frame(7, 0, 0, u32(last_stream) + u32(code));
}

std::string ping() { return frame(6, 0, 0, std::string(8, 'p')); }

std::string window_update(std::uint32_t stream, std::uint32_t increment) { return frame(8, 0, stream, u32(increment)); }

}  // namespace h2_frames

namespace {
// A TLS context that answers ALPN with h2 only.
SSL_CTX* h2_tls_context() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  auto const pem = make_self_signed();
  BIO* cert = BIO_new_mem_buf(pem.certificate.data(), static_cast<int>(pem.certificate.size()));
  BIO* key = BIO_new_mem_buf(pem.private_key.data(), static_cast<int>(pem.private_key.size()));
  X509* x509 = PEM_read_bio_X509(cert, nullptr, nullptr, nullptr);
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(key, nullptr, nullptr, nullptr);
  bool const loaded = x509 != nullptr && pkey != nullptr && SSL_CTX_use_certificate(ctx, x509) == 1 &&
                      SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
  X509_free(x509);
  EVP_PKEY_free(pkey);
  BIO_free(cert);
  BIO_free(key);
  if (!loaded) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("raw_h2_server: cannot load its certificate");
  }
  SSL_CTX_set_alpn_select_cb(
      ctx,
      [](SSL*, unsigned char const** out, unsigned char* out_size, unsigned char const* in, unsigned in_size, void*) {
        static unsigned char const h2[] = {2, 'h', '2'};
        auto** chosen = const_cast<unsigned char**>(out);
        return SSL_select_next_proto(chosen, out_size, h2, sizeof h2, in, in_size) == OPENSSL_NPN_NEGOTIATED
                   ? SSL_TLSEXT_ERR_OK
                   : SSL_TLSEXT_ERR_ALERT_FATAL;
      },
      nullptr);
  return ctx;
}
}  // namespace

struct raw_h2_server::impl {
  std::function<h2_script(int)> script;
  SSL_CTX* tls = nullptr;
  int listener = -1;
  std::uint16_t port = 0;
  std::atomic<int> accepted{0};
  mutable std::mutex mutex;
  mutable std::condition_variable ended;
  std::vector<int> open;                // connection sockets, shut down when the server goes
  std::map<int, std::string> received;  // by connection
  std::map<int, bool> done;             // the client closed it, or the server stopped reading
  std::vector<std::thread> threads;
  std::thread acceptor;

  void serve(int fd, int index) {
    // OpenSSL writes with write(2), an alert to a client that already left among others: that is EPIPE for this
    // thread, not a SIGPIPE that ends the test.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    SSL* ssl = nullptr;
    if (tls != nullptr) {
      ssl = SSL_new(tls);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) != 1) {
        SSL_free(ssl);
        finish(index);
        return;
      }
    }
    serve_bytes(index, ssl, fd);
    if (ssl != nullptr) SSL_free(ssl);
    finish(index);
  }

  void finish(int index) {
    std::lock_guard lock(mutex);
    done[index] = true;
    ended.notify_all();
  }

  void serve_bytes(int index, SSL* ssl, int fd) {
    auto const receive = [&](char* into, std::size_t size) -> long {
      long const n = ssl != nullptr ? SSL_read(ssl, into, static_cast<int>(size)) : ::read(fd, into, size);
      if (n > 0) {
        std::lock_guard lock(mutex);
        received[index].append(into, static_cast<std::size_t>(n));
      }
      return n;
    };
    auto const send = [&](char const* from, std::size_t size) -> long {
      return ssl != nullptr ? SSL_write(ssl, from, static_cast<int>(size)) : ::send(fd, from, size, MSG_NOSIGNAL);
    };
    char buf[16384];
    std::size_t got = 0;
    while (got < 24) {  // the client's connection preface
      auto const n = receive(buf, sizeof buf);
      if (n <= 0) return;
      got += static_cast<std::size_t>(n);
    }
    auto const s = script(index);
    auto const send_all = [&](std::string const& bytes) {
      for (std::size_t sent = 0; sent < bytes.size();) {
        auto const n = send(bytes.data() + sent, bytes.size() - sent);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
      }
      return true;
    };
    if (!send_all(s.bytes)) return;
    if (!s.later.empty()) {
      while (got < s.later_after) {
        auto const n = receive(buf, sizeof buf);
        if (n <= 0) return;
        got += static_cast<std::size_t>(n);
      }
      if (!send_all(s.later)) return;
    }
    if (s.close_after) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    if (!s.read_after) return;  // the socket stays open, unread, until the server goes
    while (receive(buf, sizeof buf) > 0) {
    }
  }
};

raw_h2_server::raw_h2_server(std::function<h2_script(int)> script, bool tls) : impl_(std::make_unique<impl>()) {
  impl_->script = std::move(script);
  if (tls) impl_->tls = h2_tls_context();
  impl_->listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(impl_->listener, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(impl_->listener, 16) != 0 ||
      ::getsockname(impl_->listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("raw_h2_server: cannot listen");
  }
  impl_->port = ntohs(address.sin_port);
  impl_->acceptor = std::thread([this] {
    for (;;) {
      int const fd = ::accept(impl_->listener, nullptr, nullptr);
      if (fd < 0) return;  // shut down
      int const index = impl_->accepted++;
      std::lock_guard lock(impl_->mutex);
      impl_->open.push_back(fd);
      impl_->threads.emplace_back([this, fd, index] { impl_->serve(fd, index); });
    }
  });
}

raw_h2_server::~raw_h2_server() {
  ::shutdown(impl_->listener, SHUT_RDWR);
  impl_->acceptor.join();
  ::close(impl_->listener);
  {  // the acceptor is gone: no connection comes after these (each thread takes the lock as it ends)
    std::lock_guard lock(impl_->mutex);
    for (int const fd : impl_->open) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : impl_->threads) t.join();
  for (int const fd : impl_->open) ::close(fd);
  if (impl_->tls != nullptr) SSL_CTX_free(impl_->tls);
}

std::string raw_h2_server::url() const {
  return (impl_->tls != nullptr ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(impl_->port);
}

std::string raw_h2_server::sent_by_client(int connection) const {
  std::unique_lock lock(impl_->mutex);
  impl_->ended.wait_for(lock, std::chrono::seconds(30), [&] { return impl_->done[connection]; });
  return impl_->received[connection];
}

int raw_h2_server::connections_accepted() const { return impl_->accepted.load(); }

std::uint16_t raw_h2_server::port() const { return impl_->port; }

int raw_h2_server::client_connections_open() const {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the heading
  int open = 0;
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", impl_->port);
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "01" && remote.ends_with(wanted)) ++open;  // 01: ESTABLISHED
  }
  return open;
}

}  // namespace candar::test
