// The seed of a randomised test: taken from DUCKPART_SEED when set (to replay a
// failure), else drawn at random; either way printed and recorded in the test's XML
// output, so every failure can be replayed with the same seed.
//
//   std::mt19937_64 rng(TestSeed());   // stderr: "DUCKPART_SEED=1234 (set it to replay)"
//
// rapidcheck properties take their own seed from RC_PARAMS (rapidcheck prints
// "Using configuration: seed=..." at start, and a reproduce string on failure).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace duckpart::testing {

// The seed for this test: DUCKPART_SEED (or the older name `legacy_env`, when given
// and set) parsed as an unsigned integer, else a random one. Prints it to stderr and
// records it as the test property "seed".
inline uint64_t TestSeed(const char* legacy_env = nullptr) {
  const char* v = std::getenv("DUCKPART_SEED");
  if ((!v || !*v) && legacy_env) v = std::getenv(legacy_env);
  const uint64_t seed = v && *v ? std::strtoull(v, nullptr, 10) : std::random_device{}();
  std::cerr << "DUCKPART_SEED=" << seed << " (set it to replay)\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

}  // namespace duckpart::testing
