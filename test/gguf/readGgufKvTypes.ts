// Walks the metadata section of a GGUF file and returns each key's GGUF type code (and the item
// type for arrays). node-llama-cpp's reader returns values only; llama.cpp rejects a key of the
// wrong type, so the writer's tests check types with this independent reader.
import { readFileSync } from 'node:fs';

export interface KvType {
  type: number;
  itemType?: number;
}

const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

export function readGgufKvTypes(path: string): Map<string, KvType> {
  const buf = readFileSync(path);
  let pos = 0;
  const u32 = () => { const v = buf.readUInt32LE(pos); pos += 4; return v; };
  const u64 = () => { const v = Number(buf.readBigUInt64LE(pos)); pos += 8; return v; };
  const str = () => { const n = u64(); const s = buf.toString('utf8', pos, pos + n); pos += n; return s; };
  const skip = (type: number) => {
    if (type === 8) str();
    else if (FIXED_SIZE[type] !== undefined) pos += FIXED_SIZE[type];
    else throw new Error(`unexpected value type ${type} at ${pos}`);
  };
  if (u32() !== 0x46554747) throw new Error('not a GGUF file');
  u32(); // version
  u64(); // tensor count
  const nKv = u64();
  const out = new Map<string, KvType>();
  for (let i = 0; i < nKv; i++) {
    const key = str();
    const type = u32();
    if (type === 9) {
      const itemType = u32();
      const n = u64();
      for (let j = 0; j < n; j++) skip(itemType);
      out.set(key, { type, itemType });
    } else {
      skip(type);
      out.set(key, { type });
    }
  }
  return out;
}
