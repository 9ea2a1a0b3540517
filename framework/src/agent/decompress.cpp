#include "decompress.hpp"

#include <brotli/decode.h>
#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <ranges>
#include <vector>

#include "candar/failure/codes.hpp"
#include "text.hpp"
#include "webapp_cpu.hpp"

namespace candar {

namespace {

constexpr std::size_t chunk = 16 * 1024;

std::string lower_trimmed(std::string_view s) { return detail::ascii_lower(detail::trim_ows(s)); }

error too_large(std::size_t cap) {
  return error(codes::too_large, "the decoded body passed the limit of " + std::to_string(cap) + " bytes");
}

// Decoding is the webapp's time (a body that takes seconds to gunzip is a slow answer), so it is bounded by the
// request's deadline. The clock is read once per 64 chunks (1 MiB out): nothing for a usual body.
struct budget {
  std::size_t cap;
  decode_deadline deadline;
  unsigned chunks = 0;

  [[nodiscard]] std::optional<error> spend(std::size_t decoded_so_far) {
    if ((++chunks & 63U) != 0) return std::nullopt;
    return late(decoded_so_far);
  }

  [[nodiscard]] std::optional<error> late(std::size_t decoded_so_far) const {
    if (deadline == decode_deadline::max() || std::chrono::steady_clock::now() <= deadline) return std::nullopt;
    return error(codes::timeout, "decoding the body took past the request's deadline (" +
                                     std::to_string(decoded_so_far) + " bytes decoded)");
  }
};

// libdeflate undoes a whole gzip member in one call, 1.6 to 4 times as fast as zlib's stream (more the larger
// the body: `candar_bench --benchmark_filter='gunzip|inflate'`), given the decoded size, which the member's trailer
// tells (ISIZE). It is used up to `one_shot_max` bytes, where one call is a few milliseconds: a larger body
// goes through zlib's stream, which reads the clock as it goes. A trailer that lies (a size past what deflate
// can make of the input, a second member, data after it) sends the body to zlib's stream too, and so does a
// header with a checksum of its own (FHCRC), which libdeflate skips and zlib checks. What zlib takes, both
// decode alike. libdeflate also takes a few streams zlib (a browser's decoder) refuses: code counts past
// RFC 1951's 286 and 30, distances past the 32 KiB window but inside the body. Such a body must still match
// its CRC-32 and size, so a server gains nothing by sending one.
constexpr std::size_t one_shot_max = 8 * 1024 * 1024;
constexpr std::size_t deflate_max_ratio = 1032;  // RFC 1951's longest match for a bit and a half of input
// A one-shot decode this large is held to the deadline afterwards, as the stream is every 1 MiB.
constexpr std::size_t one_shot_clocked = 1024 * 1024;

std::optional<std::string> gunzip_at_once(std::string const& in, budget const& b) {
  constexpr std::size_t header_and_trailer = 18;
  constexpr unsigned char header_checksum = 0x02;  // FHCRC, in the flags byte (RFC 1952 2.3.1)
  if (in.size() < header_and_trailer || (static_cast<unsigned char>(in[3]) & header_checksum) != 0) return std::nullopt;
  auto const* isize = reinterpret_cast<unsigned char const*>(in.data() + in.size() - 4);
  std::size_t size = 0;
  for (int i = 3; i >= 0; --i) size = (size << 8U) | isize[i];  // little-endian
  if (size > b.cap || size > one_shot_max || size > in.size() * deflate_max_ratio) return std::nullopt;
  // One per thread: its tables are 30 KB, made once.
  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> const decompressor(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!decompressor) return std::nullopt;
  std::string out(size, '\0');
  std::size_t used_in = 0;
  std::size_t used_out = 0;
  auto const result =
      libdeflate_gzip_decompress_ex(decompressor.get(), in.data(), in.size(), out.data(), size, &used_in, &used_out);
  if (result != LIBDEFLATE_SUCCESS || used_in != in.size() || used_out != size) return std::nullopt;
  return out;
}

// window_bits: 15 + 16 gzip, 15 zlib, -15 raw deflate.
expected<std::string> inflate_with(std::string const& in, int window_bits, budget& b) {
  auto const cap = b.cap;
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) return error(codes::decompress, "zlib could not start");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&z, &inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));  // zlib's API is not const-correct
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  std::array<char, chunk> buf{};
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    int const rc = inflate(&z, Z_NO_FLUSH);
    std::size_t const produced = buf.size() - z.avail_out;
    if (out.size() + produced > cap) return too_large(cap);
    out.append(buf.data(), produced);
    if (rc == Z_STREAM_END) return out;
    if (auto late = b.spend(out.size())) return std::move(*late);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) return error(codes::decompress, "the compressed body ended early");
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return error(codes::decompress, std::string("bad compressed data: ") + (z.msg != nullptr ? z.msg : "zlib error"));
    }
  }
}

expected<std::string> gunzip(std::string const& in, budget& b) {
  if (auto whole = gunzip_at_once(in, b)) {
    if (whole->size() >= one_shot_clocked) {
      if (auto late = b.late(whole->size())) return std::move(*late);
    }
    return std::move(*whole);
  }
  return inflate_with(in, 15 + 16, b);
}

expected<std::string> brotli(std::string const& in, budget& b) {
  auto const cap = b.cap;
  std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), &BrotliDecoderDestroyInstance);
  if (!state) return error(codes::decompress, "brotli could not start");
  auto const* next_in = reinterpret_cast<std::uint8_t const*>(in.data());
  std::size_t avail_in = in.size();
  std::string out;
  std::array<std::uint8_t, chunk> buf{};
  for (;;) {
    auto* next_out = buf.data();
    std::size_t avail_out = buf.size();
    auto const rc = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in, &avail_out, &next_out, nullptr);
    std::size_t const produced = buf.size() - avail_out;
    if (out.size() + produced > cap) return too_large(cap);
    out.append(reinterpret_cast<char const*>(buf.data()), produced);
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) return out;
    if (auto late = b.spend(out.size())) return std::move(*late);
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return error(codes::decompress, "the brotli body ended early");
    if (rc == BROTLI_DECODER_RESULT_ERROR) {
      return error(codes::decompress,
                   std::string("bad brotli data: ") + BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get())));
    }
  }
}

expected<std::string> decode_one(std::string const& coding, std::string body, budget& b) {
  if (coding.empty() || coding == "identity") {
    if (body.size() > b.cap) return too_large(b.cap);
    return body;
  }
  if (coding == "gzip" || coding == "x-gzip") return gunzip(body, b);
  if (coding == "br") return brotli(body, b);
  if (coding == "deflate") {
    // "deflate" should be zlib-wrapped; some servers send it raw, and browsers take both.
    auto zlib = inflate_with(body, 15, b);
    if (zlib || !zlib.error().has(codes::decompress)) return zlib;
    return inflate_with(body, -15, b);
  }
  return error(codes::decompress, "unsupported Content-Encoding '" + coding + "'");
}

}  // namespace

bool decodable(std::string_view content_encoding) {
  while (true) {
    auto const comma = content_encoding.find(',');
    auto const coding = lower_trimmed(content_encoding.substr(0, comma));
    if (!(coding.empty() || coding == "identity" || coding == "gzip" || coding == "x-gzip" || coding == "br" ||
          coding == "deflate")) {
      return false;
    }
    if (comma == std::string_view::npos) return true;
    content_encoding.remove_prefix(comma + 1);
  }
}

expected<std::string> decode_content(std::string_view content_encoding, std::string body, std::size_t max_decoded,
                                     decode_deadline deadline) {
  detail::webapp_cpu_scope const webapp_work;
  // A browser meets one coding, two at most; a 60 KB header of "gzip, gzip, ..." must not become 10,000 passes.
  constexpr std::size_t max_codings = 8;
  std::vector<std::string> codings;
  while (!content_encoding.empty()) {
    if (codings.size() == max_codings) {
      return error(codes::decompress, "more than " + std::to_string(max_codings) + " content codings");
    }
    auto const comma = content_encoding.find(',');
    codings.push_back(lower_trimmed(content_encoding.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    content_encoding.remove_prefix(comma + 1);
  }
  budget b{max_decoded, deadline};
  for (auto const& coding : std::views::reverse(codings)) {
    auto decoded = decode_one(coding, std::move(body), b);
    if (!decoded) return decoded;
    body = std::move(*decoded);
  }
  return body;
}

}  // namespace candar
