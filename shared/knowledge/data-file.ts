import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A large generated knowledge file, read with JSON.parse: beside the bundle (out/, copied by scripts/build.mjs) or in
 * data/ when running from source. Bundled as a JavaScript object literal instead, the 1.5 MB schema took 250 ms and
 * 53 MB to compile; parsed as JSON it takes 60 ms and 11 MB.
 */
export function readDataFile<T>(name: string): T {
  const beside = path.join(__dirname, name);
  const file = fs.existsSync(beside) ? beside : path.join(__dirname, 'data', name);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
