/** A TensorBoard run's hyperparameters: the hparams plugin's session start info, and Lightning's `hparams.yaml`. */
import * as path from 'path';
import { fieldKey, ProtoError, type ProtoReader, WireType } from '../../codecs/protobuf';
import { parseYaml, YamlError } from '../../codecs/yaml';
import type { Problems } from '../../problems';
import { readFileInside } from '../../safePath';
import { workspacePath } from '../shared';

// tensorboard/plugins/hparams/plugin_data.proto and google/protobuf/struct.proto
const HPARAMS_SESSION_START_INFO = fieldKey(3, WireType.LengthDelimited);
const SESSION_START_HPARAMS = fieldKey(1, WireType.LengthDelimited);
const MAP_KEY = fieldKey(1, WireType.LengthDelimited);
const MAP_VALUE = fieldKey(2, WireType.LengthDelimited);
const PB_VALUE_NUMBER = fieldKey(2, WireType.Fixed64);
const PB_VALUE_STRING = fieldKey(3, WireType.LengthDelimited);
const PB_VALUE_BOOL = fieldKey(4, WireType.Varint);

/** hparams plugin `HParamsPluginData.session_start_info.hparams` (map<string, google.protobuf.Value>). */
export function readSessionStartInfo(r: ProtoReader, start: number, end: number, into: Record<string, unknown>): void {
  const pos = r.pos;
  const outerEnd = r.end;
  r.pos = start;
  r.end = end;
  try {
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k !== HPARAMS_SESSION_START_INFO) {
        r.skip();
        continue;
      }
      const o = r.enter();
      for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
        if (k2 !== SESSION_START_HPARAMS) {
          r.skip();
          continue;
        }
        const o2 = r.enter();
        let name = '';
        let value: unknown = null;
        for (let k3 = r.next(); k3 !== 0; k3 = r.next()) {
          if (k3 === MAP_KEY) name = r.string();
          else if (k3 === MAP_VALUE) {
            const o3 = r.enter();
            for (let k4 = r.next(); k4 !== 0; k4 = r.next()) {
              if (k4 === PB_VALUE_NUMBER) value = r.double();
              else if (k4 === PB_VALUE_STRING) value = r.string();
              else if (k4 === PB_VALUE_BOOL) value = r.bool();
              else r.skip();
            }
            r.leave(o3);
          } else r.skip();
        }
        r.leave(o2);
        if (name) into[name] = value;
      }
      r.leave(o);
    }
  } catch (e) {
    if (!(e instanceof ProtoError)) throw e;
  } finally {
    r.pos = pos;
    r.end = outerEnd;
  }
}

/** Lightning's `hparams.yaml` beside the event files, as params ({} when absent or unreadable). */
export async function readHparamsYaml(runFolder: string, problems: Problems, workspaceRoot: string): Promise<Record<string, unknown>> {
  const file = path.join(runFolder, 'hparams.yaml');
  let text: string;
  try {
    text = (await readFileInside(workspaceRoot, file)).toString('utf8'); // not through a link out of the workspace
  } catch {
    return {};
  }
  const rel = workspacePath(workspaceRoot, file);
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch (e) {
    if (!(e instanceof YamlError)) throw e;
    problems.report(`TensorBoard: ${rel}: line ${e.line}: ${e.message.replace(/^line \d+: /, '')}; ignored`);
    return {};
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.report(`TensorBoard: ${rel}: line 1: not a YAML mapping; ignored`);
    return {};
  }
  return v as Record<string, unknown>;
}
