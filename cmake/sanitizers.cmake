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

# mimalloc (Debian's libmimalloc-dev) in place of glibc's malloc for the programs that make load: the agent
# allocates per request (Beast's header fields, response strings, coroutine frames), and callgrind counted 13 %
# fewer user-space instructions per request with it. Not under the sanitizers, which bring their own allocator.
function(candar_fast_allocator target)
  if(CANDAR_SANITIZE STREQUAL "")
    find_package(mimalloc 2 CONFIG REQUIRED)
    # --no-as-needed: nothing calls mimalloc by name; it is linked for the malloc it exports.
    target_link_options(${target} PRIVATE "LINKER:--no-as-needed")
    target_link_libraries(${target} PRIVATE mimalloc)
  endif()
endfunction()
