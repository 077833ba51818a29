# Building with clang against Debian 12's libstdc++ (GCC 12), as the fuzz targets must: the
# project's Result type is libstdc++'s std::expected, which that library enables only when
# __cpp_concepts >= 202002L. Clang implements what <expected> needs (P0848 conditionally
# trivial special members) from version 16 on, but advertises __cpp_concepts 202002L only from
# clang 19. For clang 16-18 we set the macro to what GCC 12 sets, so that clang compiles the
# same libstdc++ code paths GCC does (<expected>, and <variant>'s constexpr union storage).
# Clang 14/15 (Debian 12's default clang is 14) lack P0848 and cannot compile <expected>.
if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR
    "clang ${CMAKE_CXX_COMPILER_VERSION} cannot compile libstdc++'s std::expected (needs "
    "P0848, clang >= 16); on Debian 12 use clang++-16 (apt-get install clang-16)")
endif()
if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 19)
  add_compile_options(-U__cpp_concepts -D__cpp_concepts=202002L)
endif()
