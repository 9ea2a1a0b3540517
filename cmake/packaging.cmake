# A Debian package of the installed candar (`cpack -G DEB` in a build folder; scripts/package-deb.sh), so that
# an author runs `apt install ./candar_VERSION_amd64.deb` and find_package(candar) works with no prefix hint
# (it lands under /usr). Depends: what a contest's build needs (the compiler the starter's preset names, the
# -dev packages candarConfig.cmake finds); the candar command's shared libraries come from dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME candar)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "candar developers <candar@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # candar_0.2.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "cmake (>= 3.25), ninja-build, pkg-config, clang-16, libboost1.81-dev, libboost-url1.81-dev, libssl-dev, \
nlohmann-json3-dev, libfmt-dev, zlib1g-dev, libdeflate-dev, libbrotli-dev, libpsl-dev, libgumbo-dev, libc-ares-dev, libnghttp2-dev")
# COMPONENTS locust needs these; mimalloc is the allocator candar_add_benchmarker links when it is there.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libzmq3-dev, cppzmq-dev, libmsgpuck-dev, libmimalloc-dev")
include(CPack)
