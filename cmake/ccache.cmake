# ccache for candar's own builds. The sloppiness lets it cache the translation units that use a precompiled
# header (without it every one is "could_not_use_precompiled_header"); clang must also leave the header's
# timestamp out of the .pch (-fno-pch-timestamp, set by candar_use_pch_with_ccache).
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
    "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime" ${CCACHE_PROGRAM})
endif()
if(CCACHE_PROGRAM AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Every precompiled header of the tree (the library's, the tests', the samples'), not only the kit's.
  add_compile_options("SHELL:-Xclang -fno-pch-timestamp")
endif()
