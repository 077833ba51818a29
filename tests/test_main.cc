// The one translation unit that defines Catch2's main() for the dd_tests executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
