#include "cli/suggest.h"

#include <gtest/gtest.h>

namespace duckpart::cli {
namespace {

const std::vector<std::string> kNames = {"demo",  "plan", "run",     "validate",
                                         "query", "info", "recover", "cleanup"};

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("run", ""), 3u);
  EXPECT_EQ(EditDistance("valdate", "validate"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(NearestName, SuggestsACloseTypo) {
  EXPECT_EQ(NearestName("valdate", kNames), "validate");
  EXPECT_EQ(NearestName("querry", kNames), "query");
  EXPECT_EQ(NearestName("rn", kNames), "run");
}

TEST(NearestName, SuggestsTheOnlyCommandAWordBegins) {
  EXPECT_EQ(NearestName("val", kNames), "validate");
  EXPECT_EQ(NearestName("re", kNames), "recover");
  EXPECT_EQ(NearestName("r", kNames), std::nullopt);  // run and recover both begin with it
}

TEST(NearestName, SuggestsNothingFarAway) {
  EXPECT_EQ(NearestName("compile", kNames), std::nullopt);
  EXPECT_EQ(NearestName("ls", kNames), std::nullopt);
  EXPECT_EQ(NearestName("", kNames), std::nullopt);
}

}  // namespace
}  // namespace duckpart::cli
