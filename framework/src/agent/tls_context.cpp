#include "tls_context.hpp"

#include <memory>

#include <boost/asio/ssl/host_name_verification.hpp>

namespace candar::detail {

namespace asio = boost::asio;

asio::ssl::context& tls_context(bool verify) {
  static auto const make = [](bool v) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (v) {
      ctx->set_default_verify_paths();
      ctx->set_verify_mode(asio::ssl::verify_peer);
    } else {
      ctx->set_verify_mode(asio::ssl::verify_none);
    }
    return ctx;
  };
  static auto const verifying = make(true);
  static auto const trusting = make(false);
  return verify ? *verifying : *trusting;
}

void name_tls_peer(asio::ssl::stream<asio::ip::tcp::socket>& stream, std::string const& host, bool verify) {
  bool const ip_literal =
      !host.empty() && (host.front() == '[' || host.find_first_not_of("0123456789.") == std::string::npos);
  if (!ip_literal) {
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(host.c_str()));
  }
  if (verify) stream.set_verify_callback(asio::ssl::host_name_verification(host));
}

void offer_h2(asio::ssl::stream<asio::ip::tcp::socket>& stream) {
  static constexpr unsigned char protocols[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_set_alpn_protos(stream.native_handle(), protocols, sizeof protocols);
}

bool chose_h2(asio::ssl::stream<asio::ip::tcp::socket>& stream) {
  unsigned char const* chosen = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(stream.native_handle(), &chosen, &size);
  return size == 2 && chosen[0] == 'h' && chosen[1] == '2';
}

}  // namespace candar::detail
