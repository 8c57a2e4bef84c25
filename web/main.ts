/**
 * The sppkit browser app: two tabs.
 *
 * - **Build** (web/build-view.ts): a block of the catalogue and its settings → its graph and window pictures, a run
 *   on onnxruntime-web (WebGPU, wasm) beside sppkit's reference evaluator, the `.onnx` to download.
 * - **Open** (web/open-view.ts): a local `.onnx` → summary, check, graph, passes with their report, before/after,
 *   the transformed file to download; the work happens in a Web Worker (web/worker.ts), so big models do not
 *   freeze the page.
 *
 * Everything runs in the page; no file leaves the machine. It imports sppkit as any user would, from the package
 * root `sppkit` (browser-safe): scripts/serve-web.ts bundles it with that name pointed at src/index.ts, and
 * tsconfig.json's `paths` does the same for the type checker.
 *
 * State for tests: `body[data-state]` is `running`/`done`/`error` for the Build tab's runs (the results JSON is
 * in `#results`), `body[data-open-state]` follows the Open tab (see open-view.ts).
 */
import { BuildView } from './build-view.js';
import { element } from './dom.js';
import { OpenView } from './open-view.js';

type Tab = 'build' | 'open';

function showTab(tab: Tab): void {
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-tab]')))
    button.setAttribute('aria-selected', String(button.dataset['tab'] === tab));
  element('#build', HTMLElement).hidden = tab !== 'build';
  element('#open', HTMLElement).hidden = tab !== 'open';
  document.body.dataset['tab'] = tab;
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `${location.pathname}${location.search}#${tab}`);
}

const initial: Tab = location.hash === '#open' ? 'open' : 'build';
showTab(initial);
const build = new BuildView();
const open = new OpenView();
let built = initial === 'build';
for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-tab]')))
  button.addEventListener('click', () => {
    const tab: Tab = button.dataset['tab'] === 'open' ? 'open' : 'build';
    showTab(tab);
    if (tab === 'build' && !built) {
      // The pictures were drawn while hidden: fit them now. The first visit also runs, as a start on this tab does.
      built = true;
      build.refresh();
      void build.run();
    }
  });
// A model file dropped anywhere opens in the Open tab (and never replaces the page).
open.acceptDrops(document.body, () => showTab('open'));
if (initial === 'build') void build.run();
