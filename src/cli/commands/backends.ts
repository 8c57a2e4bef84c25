/**
 * `sppkit backends`: which runtimes can run here, and why not.
 */
import { listBackends } from '../../runtime/node/backends.js';
import { parse } from '../args.js';
import { table } from '../validate.js';

/** `sppkit backends`. */
export async function backendsCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'backends');
  if (values.help === true) {
    out(
      'usage: sppkit backends [--json]\n' +
        '  lists every backend and whether it is available here (with the reason when not)',
    );
    return 0;
  }
  const rows = await listBackends();
  if (values.json === true) out(JSON.stringify(rows, null, 2));
  else
    out(
      table(
        ['backend', 'available', 'detail / reason'],
        rows.map((r) => [
          r.name,
          r.availability.available ? 'yes' : 'no',
          r.availability.available ? r.availability.detail : r.availability.reason,
        ]),
      ),
    );
  return 0;
}
