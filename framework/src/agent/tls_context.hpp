#pragma once
// TLS for the agent's connections: one client context per verification mode for the whole process (an
// SSL_CTX is large, and OpenSSL 3 allows sharing one across threads), and what a connection to a named host
// sets before its handshake.
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace candar::detail {

// `verify`: the peer's certificate is checked against the system's roots; otherwise anything is accepted
// (contest targets use self-signed certificates).
boost::asio::ssl::context& tls_context(bool verify);

// SNI for a host name (not an IP literal), and the certificate's name checked when verifying.
void name_tls_peer(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream, std::string const& host,
                   bool verify);

// ALPN (RFC 7301): offers h2 before http/1.1, as browsers do.
void offer_h2(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream);
// After the handshake: the server chose h2.
[[nodiscard]] bool chose_h2(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream);

}  // namespace candar::detail
