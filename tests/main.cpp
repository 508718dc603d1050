// The test runner: Boost.Test's main. Suites live in the mirrored folders.
#define BOOST_TEST_MODULE troupe
#include <boost/test/unit_test.hpp>
