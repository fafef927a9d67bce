// Reads a duckpart dataset with Polars (node) and writes what it read as Parquet.
//   node read_polars.js OUT.parquet SOURCE '{"hivePartitioning": true}'
// SOURCE is a glob or a folder, the options those of pl.scanParquet; "hiveSchema" and
// "schema" map names to type names ({"tag_identity": "Utf8"}; also "Datetime(us)" and
// "Decimal(12,2)"). Prints Polars' version on stdout.
const pl = require('nodejs-polars');

function TypeOf(name) {
  const call = /^(\w+)\((.*)\)$/.exec(name);
  if (!call) return pl[name];
  const args = call[2].split(',').map((a) => a.trim()).map((a) => (/^\d+$/.test(a) ? Number(a) : a));
  return pl[call[1]](...args);
}

function Options(json) {
  const options = JSON.parse(json || '{}');
  for (const key of ['hiveSchema', 'schema']) {
    if (!options[key]) continue;
    const schema = {};
    for (const [name, type] of Object.entries(options[key])) schema[name] = TypeOf(type);
    options[key] = schema;
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
