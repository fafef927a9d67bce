// The generated data: its version and where its database lives (the child that writes it is
// ChildGenerate in child.h, in data_gen.cc).
#pragma once

namespace bench {

// Bump when the generated data changes; it is part of the data file's name.
constexpr int kGeneratorVersion = 2;

}  // namespace bench
