/**
 * `npm run bench -- <name>`: runs one benchmark (or all). Each prints figures and ratios side by side in one process.
 */
const BENCHES: Readonly<Record<string, string>> = {
  spp: './spp.js',
  ops: './ops.js',
  transform: './transform.js',
  backends: './backends.js',
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const names = wanted.length === 0 ? Object.keys(BENCHES) : wanted;
for (const name of names) {
  const path = BENCHES[name];
  if (path === undefined) {
    console.error(`unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  console.log(`\n=== bench ${name} ===`);
  try {
    await import(path);
  } catch (error) {
    console.error(`bench ${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
