// Copies the map library's distribution files into ../wwwroot/lib. The output is committed, so running
// the gateway never needs npm or the network; run `npm ci && npm run build` after changing package.json.
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', 'wwwroot', 'lib');
const leaflet = join(here, 'node_modules', 'leaflet');
const version = JSON.parse(readFileSync(join(leaflet, 'package.json'), 'utf8')).version;

rmSync(join(target, 'leaflet'), { recursive: true, force: true });
mkdirSync(join(target, 'leaflet'), { recursive: true });
for (const file of ['leaflet.js', 'leaflet.css']) {
  cpSync(join(leaflet, 'dist', file), join(target, 'leaflet', file));
}
cpSync(join(leaflet, 'dist', 'images'), join(target, 'leaflet', 'images'), { recursive: true });
cpSync(join(leaflet, 'LICENSE'), join(target, 'leaflet', 'LICENSE'));
// The minified file ends with a source-map comment; the map is not shipped, so drop the reference
// (otherwise browser dev tools ask the gateway for a file it does not have).
const js = join(target, 'leaflet', 'leaflet.js');
writeFileSync(js, readFileSync(js, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'));
writeFileSync(join(target, 'VERSIONS.txt'), `leaflet ${version} (BSD-2-Clause) from npm\n`);
console.log(`leaflet ${version} -> ${target}`);
