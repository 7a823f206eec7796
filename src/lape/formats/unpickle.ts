import { LapeError } from '../lapeError.ts';

/** A Python callable found by GLOBAL/STACK_GLOBAL: REDUCE and NEWOBJ call it with the args. */
export type PickleCallable = (...args: unknown[]) => unknown;

export interface UnpickleHooks {
  /** Resolves `module.name`; throw (or return undefined) for anything not allowed. */
  findClass(module: string, name: string): PickleCallable | object | undefined;
  /** Resolves a persistent id (torch uses them for tensor storages). */
  persistentLoad?(pid: unknown): unknown;
}

/**
 * A minimal unpickler (protocols 0 to 5, no arbitrary code): enough for what torch.save
 * writes. Lists and tuples become arrays, dicts become Maps, ints numbers (bigint beyond
 * 2^53), str strings, bytes Uint8Array. Object state set by BUILD is kept only for Maps,
 * since torch uses BUILD just for Python-side attributes that carry no tensor data.
 */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, fileName?: string): unknown {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const text = new TextDecoder('utf-8', { fatal: true });
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const fail = (code: 'truncated' | 'corrupt' | 'unsupported', msg: string): never => {
    throw new LapeError(code, `${msg} (pickle offset ${pos})`, fileName);
  };
  const need = (n: number): number => {
    if (pos + n > data.length) fail('truncated', 'pickle data ends early');
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => data[need(1)];
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const v = view.getBigUint64(need(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('corrupt', 'length too large');
    return Number(v);
  };
  const bytes = (n: number): Uint8Array => data.subarray(need(n), pos);
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('truncated', 'pickle data ends inside a text argument');
    const s = new TextDecoder('latin1').decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const str = (n: number): string => {
    try {
      return text.decode(bytes(n));
    } catch (e) {
      if (e instanceof LapeError) throw e;
      return fail('corrupt', 'invalid UTF-8 in a string');
    }
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('corrupt', 'stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('corrupt', 'stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('corrupt', 'no MARK on the stack');
    return stack.splice(m as number);
  };
  const memoGet = (i: number): unknown => {
    if (!memo.has(i)) fail('corrupt', `memo entry ${i} is missing`);
    return memo.get(i);
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (typeof fn !== 'function') fail('unsupported', 'cannot call a value that is not a known Python callable');
    if (!Array.isArray(args)) fail('corrupt', 'call arguments are not a tuple');
    return (fn as PickleCallable)(...(args as unknown[]));
  };
  const global = (module: string, name: string): unknown => {
    const v = hooks.findClass(module, name);
    if (v === undefined) fail('unsupported', `unsupported Python global ${module}.${name}`);
    return v;
  };
  const setItems = (dict: unknown, items: unknown[]): void => {
    if (!(dict instanceof Map)) fail('corrupt', 'SETITEM on a value that is not a dict');
    if (items.length % 2 !== 0) fail('corrupt', 'odd number of dict items');
    for (let i = 0; i < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const append = (list: unknown, items: unknown[]): void => {
    if (!Array.isArray(list)) fail('corrupt', 'APPEND on a value that is not a list');
    for (const x of items) (list as unknown[]).push(x);
  };
  const signedLE = (b: Uint8Array): number | bigint => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME: framing is only a read-ahead hint
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length !== 0) fail('corrupt', 'stack not balanced at STOP');
        return stack[0];
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x6c: case 0x74: stack.push(popMark()); break; // LIST, TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x64: { const m = new Map(); setItems(m, popMark()); stack.push(m); break; } // DICT
      case 0x61: { const x = pop(); append(top(), [x]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail('corrupt', 'ADDITEMS on a value that is not a set');
        for (const x of items) (s as Set<unknown>).add(x);
        break;
      }
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x8a: stack.push(signedLE(bytes(u8()))); break; // LONG1
      case 0x8b: stack.push(signedLE(bytes(u32()))); break; // LONG4
      case 0x49: { // INT (text; "00"/"01" are False/True)
        const s = line();
        stack.push(s === '00' ? false : s === '01' ? true : parseTextInt(s, fail));
        break;
      }
      case 0x4c: stack.push(parseTextInt(line().replace(/L$/, ''), fail)); break; // LONG (text)
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT is big-endian
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT (text)
      case 0x58: stack.push(str(u32())); break; // BINUNICODE
      case 0x8c: stack.push(str(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(u64())); break; // BINUNICODE8
      case 0x54: stack.push(new TextDecoder('latin1').decode(bytes(view.getInt32(need(4), true)))); break; // BINSTRING
      case 0x55: stack.push(new TextDecoder('latin1').decode(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(bytes(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(bytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(bytes(u64()).slice()); break; // BINBYTES8
      case 0x63: { const module = line(); stack.push(global(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('corrupt', 'STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); stack.push(call(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(call(pop(), args)); break; } // NEWOBJ
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (obj instanceof Map && state instanceof Map) for (const [k, v] of state) obj.set(k, v);
        break;
      }
      case 0x51: stack.push(persistent(hooks, pop(), fail)); break; // BINPERSID
      case 0x50: stack.push(persistent(hooks, line(), fail)); break; // PERSID
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(parseTextInt(line(), fail) as number, top()); break; // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x67: stack.push(memoGet(parseTextInt(line(), fail) as number)); break; // GET
      default:
        pos--;
        fail('unsupported', `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

function persistent(hooks: UnpickleHooks, pid: unknown, fail: (c: 'unsupported', m: string) => never): unknown {
  if (!hooks.persistentLoad) fail('unsupported', 'persistent ids are not supported here');
  return hooks.persistentLoad!(pid);
}

function parseTextInt(s: string, fail: (c: 'corrupt', m: string) => never): number | bigint {
  if (!/^[+-]?\d+$/.test(s)) fail('corrupt', `invalid integer "${s}"`);
  const v = BigInt(s);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
