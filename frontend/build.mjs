// Copies the browser builds of our npm dependencies into build/static/vendor, where Django's staticfiles finds
// them. Nothing is fetched at run time and no third-party bundle is committed.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static", "vendor");
const files = [
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["node_modules/echarts/dist/echarts.min.js", "echarts.min.js"],
  // The API's documentation page (/api/docs/): Swagger UI's browser bundle and styles.
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["node_modules/swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
  // the stylesheet names its source map: collectstatic's manifest storage refuses a reference it cannot find
  ["node_modules/swagger-ui-dist/swagger-ui.css.map", "swagger-ui/swagger-ui.css.map"],
  // The accessibility checker the browser tests inject into each page (tests/browser/axe.py); no page loads it.
  ["node_modules/axe-core/axe.min.js", "axe/axe.min.js"],
];
mkdirSync(out, { recursive: true });
for (const [src, dest] of files) {
  const from = join(root, src);
  if (!existsSync(from)) {
    console.error(`missing ${src}: run npm ci first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, dest)), { recursive: true });
  copyFileSync(from, join(out, dest));
}
console.log(`built ${files.length} files into build/static/vendor`);
