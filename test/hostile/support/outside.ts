/**
 * A temp workspace next to an "outside" folder that stands for the user's home: a secret key, a
 * shell start-up file and a folder of secret images. Hostile tests link from the workspace to these
 * and check that nothing of them is read, listed or written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { png } from '../../unit/support/png';

/** Text in every outside file: found anywhere in a result or a message, something leaked. */
export const SECRET = 'TOPSECRET-5f3a9';

export interface Sandbox {
  /** The workspace folder (as the user opened it). */
  readonly root: string;
  /** The folder outside the workspace. */
  readonly outside: string;
  /** `outside/id_rsa`: a secret text file. */
  readonly secretFile: string;
  /** `outside/.bashrc`: a file an attacker wants to append to. */
  readonly bashrc: string;
  readonly bashrcText: string;
  /** `outside/ssh/`: a folder with `secret.png` (a real PNG) and `id_rsa`. */
  readonly secretDir: string;
  /** `outside/ssh/secret.png`. */
  readonly secretPng: string;
  /** `outside/events.jsonl`: a valid run log naming the secret, so a read would show in the index. */
  readonly secretLog: string;
  /** Writes `file` (workspace-relative, `/`) with its folders. */
  write(rel: string, data: string | Buffer): string;
  /** Makes `rel` (workspace-relative) a link to `target`, written relative to the link's folder as a cloned repository would hold it. */
  link(rel: string, target: string): string;
  /** Every file below `outside` with its content, to compare before and after. */
  snapshot(): Record<string, string>;
}

/** The text of a log whose every line names SECRET. */
function secretRunLog(): string {
  return [
    { t: 'header', format: 'labbook-run', version: 1, run_id: 'stolen', project: SECRET, name: SECRET, time: 1_700_000_000 },
    { t: 'params', values: { key: SECRET } },
    { t: 'metrics', step: 0, values: { [SECRET]: 1 } },
  ].map((r) => JSON.stringify(r)).join('\n') + `\n${SECRET} not json\n`;
}

export function sandbox(): Sandbox {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-hostile-')));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'home');
  const secretDir = path.join(outside, 'ssh');
  fs.mkdirSync(root);
  fs.mkdirSync(secretDir, { recursive: true });
  const secretFile = path.join(outside, 'id_rsa');
  fs.writeFileSync(secretFile, `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`);
  const bashrc = path.join(outside, '.bashrc');
  const bashrcText = `# ${SECRET}\nexport PATH=$PATH\n`;
  fs.writeFileSync(bashrc, bashrcText);
  const secretPng = path.join(secretDir, 'secret.png');
  fs.writeFileSync(secretPng, png(4, 4, () => [255, 0, 0]));
  fs.writeFileSync(path.join(secretDir, 'id_rsa'), `${SECRET}\n`);
  const secretLog = path.join(outside, 'events.jsonl');
  fs.writeFileSync(secretLog, secretRunLog());
  const write = (rel: string, data: string | Buffer): string => {
    const file = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    return file;
  };
  const link = (rel: string, target: string): string => {
    const at = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(at), target), at);
    return at;
  };
  const snapshot = (): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else out[path.relative(outside, p)] = fs.readFileSync(p, 'latin1');
      }
    };
    walk(outside);
    return out;
  };
  return { root, outside, secretFile, bashrc, bashrcText, secretDir, secretPng, secretLog, write, link, snapshot };
}

/** Whether SECRET appears anywhere in `value` (searched as JSON). */
export function leaks(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(SECRET);
}
