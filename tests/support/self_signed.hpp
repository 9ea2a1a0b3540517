#pragma once
// A self-signed certificate made at test time (P-256 key, CN=localhost, SAN localhost and 127.0.0.1), in PEM.
#include <string>

namespace candar::test {

struct pem_pair {
  std::string certificate;
  std::string private_key;
};

pem_pair make_self_signed();

}  // namespace candar::test
