# CANDAR_SANITIZE applies to every target of the tree, so that all code the tests run is instrumented.
if(CANDAR_SANITIZE)
  list(JOIN CANDAR_SANITIZE "," _candar_sanitizers)
  add_compile_options(-fsanitize=${_candar_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_candar_sanitizers})
  if("thread" IN_LIST CANDAR_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Asio's shared_ptr-like reference counts use std::atomic_thread_fence, which g++ 12 warns TSan cannot
    # model; the warning comes from Boost's headers, not from our code.
    add_compile_options(-Wno-tsan)
  endif()
endif()

