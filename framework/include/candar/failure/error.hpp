#pragma once
// An error as a benchmark sees it: a message and a chain of codes, outer to inner ("load > login > timeout"),
// each code with the place it was added. The chain is the "multi-level trace": it is built by explicit wraps,
// so it survives co_await, where a stack trace would show only the event loop.
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>
#include "candar/failure/source_location.hpp"
#include "candar/failure/trace_ids.hpp"

namespace candar {

class error {
 public:
  struct frame {
    std::string code{};
    source_location where{};
  };

  error(std::string_view code, std::string_view message, source_location where = source_location::current());

  // A system error with its code chosen from the condition: timeout, canceled, connection, or io.
  static error from(std::error_code ec, source_location where = source_location::current());
  // The code a system error gets in from().
  static std::string_view code_of(std::error_code ec) noexcept;

  // Adds an outer code, recording where: `std::move(e).wrap("login")`.
  [[nodiscard]] error wrap(std::string_view code, source_location where = source_location::current()) &&;
  [[nodiscard]] error wrap(std::string_view code, source_location where = source_location::current()) const&;

  [[nodiscard]] bool has(std::string_view code) const noexcept;
  [[nodiscard]] std::span<frame const> chain() const noexcept { return chain_; }
  [[nodiscard]] std::string_view outer_code() const noexcept { return chain_.front().code; }
  [[nodiscard]] std::string_view inner_code() const noexcept { return chain_.back().code; }
  [[nodiscard]] std::string const& message() const noexcept { return message_; }

  // The request this error came from, when it was traced (--trace): its trace and span ids. Wraps keep them.
  // The agent's errors and check()'s carry them; an error of your own about a response takes them from it:
  // `error("response", "...").with_trace(res->trace)`, and with them the exchanges that led to it (--har).
  [[nodiscard]] trace_ids const& trace_context() const noexcept { return trace_; }
  void set_trace_context(trace_ids ids) { trace_ = std::move(ids); }
  [[nodiscard]] error with_trace(trace_ids ids) && {
    trace_ = std::move(ids);
    return std::move(*this);
  }

  // "load > login > timeout: deadline passed", and " (trace 4bf92f35... span 00f067aa...)" when the request
  // was traced: both ids, to find the one request in an access log.
  [[nodiscard]] std::string summary() const;
  // The summary, then one line per frame with its code and its file:line (function).
  [[nodiscard]] std::string trace() const;

 private:
  std::vector<frame> chain_;  // never empty
  std::string message_;
  trace_ids trace_{};
};

}  // namespace candar
