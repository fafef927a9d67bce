// Reads a duckpart dataset with Polars (node) and writes what it read as Parquet.
//   node read_polars.js OUT.parquet SOURCE '{"hivePartitioning": true}'
// SOURCE is a glob or a folder, the options those of pl.scanParquet; "hiveSchema" maps
// names to type names ({"tag_identity": "Utf8"}). Prints Polars' version on stdout.
const pl = require('nodejs-polars');

function Options(json) {
  const options = JSON.parse(json || '{}');
  if (options.hiveSchema) {
    const schema = {};
    for (const [name, type] of Object.entries(options.hiveSchema)) schema[name] = pl[type];
    options.hiveSchema = schema;
  }
  return options;
}

try {
  const [out, source, json] = process.argv.slice(2);
  const frame = pl.scanParquet(source, Options(json)).collectSync();
  frame.writeParquet(out);
  process.stdout.write(String(pl.version) + '\n');
} catch (e) {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
}
