// Checks JSON documents against a JSON Schema (draft-07) with Ajv, Debian's node-ajv
// (installed by scripts/install-deps.sh; found through NODE_PATH=/usr/share/nodejs).
//
//   node validate.js SCHEMA.json DOCUMENT.json
//
// common.json beside this file is loaded first, so schemas may $ref its definitions.
// Exit 0 when the document is valid; 1 with Ajv's errors (path and message) otherwise.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");

const [schemaPath, documentPath] = process.argv.slice(2);
const ajv = new Ajv({allErrors: true});
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(__dirname, "common.json"), "utf8")));
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const document = JSON.parse(fs.readFileSync(documentPath, "utf8"));
if (validate(document)) process.exit(0);
for (const e of validate.errors) {
  console.log(`${e.dataPath || "(top)"} ${e.message} ${JSON.stringify(e.params)}`);
}
process.exit(1);
