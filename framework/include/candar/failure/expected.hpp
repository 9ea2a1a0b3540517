#pragma once
// A value or the error that stopped it, as std::expected<T, candar::error> (C++23) would be: load tests meet
// failures by the thousand, so the framework returns them as values instead of throwing.
#include <utility>
#include <variant>

#include "candar/failure/error.hpp"

namespace candar {

template <class T>
class expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}                  // NOLINT: implicit on purpose
  expected(candar::error failure) : v_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT: implicit on purpose

  [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // Only when has_value(): these do not check.
  [[nodiscard]] T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  [[nodiscard]] T const& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  [[nodiscard]] T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  [[nodiscard]] T* operator->() noexcept { return std::get_if<0>(&v_); }
  [[nodiscard]] T const* operator->() const noexcept { return std::get_if<0>(&v_); }

  // Only when !has_value().
  [[nodiscard]] candar::error& error() & noexcept { return *std::get_if<1>(&v_); }
  [[nodiscard]] candar::error const& error() const& noexcept { return *std::get_if<1>(&v_); }
  [[nodiscard]] candar::error&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }

 private:
  std::variant<T, candar::error> v_;
};

}  // namespace candar
