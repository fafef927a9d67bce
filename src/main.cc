// The duckpart binary: all logic lives in the library; see src/cli/app.h.
#include "cli/app.h"

int main(int argc, char** argv) { return duckpart::cli::Main(argc, argv); }
