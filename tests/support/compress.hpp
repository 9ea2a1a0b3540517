#pragma once
// Compressors for tests: make gzip, zlib, raw deflate and brotli bodies to decode.
#include <string>
#include <string_view>

namespace candar::test {

enum class coding { gzip, zlib, raw_deflate };

std::string deflate_as(coding c, std::string_view data);
std::string brotli(std::string_view data);

}  // namespace candar::test
