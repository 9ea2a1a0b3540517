#pragma once
// The exception handler of a worker whose iterations must not throw: an escaping exception fails the test with
// its message (workers drop none, so a test names what it expects).
#include <exception>
#include <functional>
#include <stdexcept>

#include <gtest/gtest.h>

namespace candar::test {

inline std::function<void(std::exception_ptr)> unexpected_exception() {
  return [](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (std::exception const& ex) {
      ADD_FAILURE() << "an iteration threw: " << ex.what();
    } catch (...) {
      ADD_FAILURE() << "an iteration threw something that is not a std::exception";
    }
  };
}

}  // namespace candar::test
