// Targets and sources that nest, refused before any work (InputError, exit 2): a dataset
// written inside another dataset or inside a store would be orphans there (double-counted by
// a glob, deleted with the version that holds them), and a source inside its own target is
// read while it is being replaced.
//
//   CheckNesting(store::DatasetStore("out/events"), source);   // throws InputError
//
// Paths are resolved as the operating system resolves them (store/dataset_store.h): a target
// `self/inner` whose `self` is a dataset link lies inside `.self.duckpart/v000001`.
#pragma once

#include "duckpart/source.h"
#include "store/dataset_store.h"

namespace duckpart::parquet {

// Throws InputError when the target's name is a store's (`.NAME.duckpart`), when the target
// lies inside a store or inside a dataset (a folder holding _duckpart/manifest.json), or when
// the source (the --db file, or the folder a --from path or glob reads under) lies inside the
// target or its store. `target` is the path as the user gave it, for the message.
void CheckNesting(const store::DatasetStore& store, const std::string& target,
                  const SourceOptions& source);

}  // namespace duckpart::parquet
