import { unzipSync } from 'fflate';
import { LapeError } from '../lapeError.ts';

/**
 * The most uncompressed bytes a torch archive may declare. The files read here (neuron lists,
 * activation counts) are at most about 130 MB even for a 70B model with seven languages
 * (80 layers x 28,672 neurons x 8-byte counts x 7 files' worth), so 256 MiB leaves room while
 * a 6 MB zip bomb declaring gigabytes is refused before any of it is inflated.
 */
export const MAX_TORCH_ARCHIVE_BYTES = 256 * 1024 * 1024;

export interface UnzipTorchOptions {
  /** Overrides MAX_TORCH_ARCHIVE_BYTES (tests use a small one). */
  maxBytes?: number;
}

/**
 * Unzips a torch.save archive with bounded memory. The entries' declared sizes are added up and
 * checked against the cap before anything is inflated; fflate then inflates each entry into a
 * buffer of exactly its declared size, so an entry whose data inflates to more than it declares
 * cannot grow past it. Such an entry is caught by its CRC-32 afterwards.
 */
export function unzipTorch(bytes: Uint8Array, fileName: string, options: UnzipTorchOptions = {}): Record<string, Uint8Array> {
  const maxBytes = options.maxBytes ?? MAX_TORCH_ARCHIVE_BYTES;
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (!isZip) {
    if (bytes.length === 0) throw new LapeError('truncated', 'file is empty', fileName);
    if (bytes[0] === 0x80) {
      throw new LapeError('unsupported', 'legacy torch.save format (before torch 1.6); load and re-save it with a newer torch', fileName);
    }
    throw new LapeError('corrupt', 'not a torch.save file (no zip signature)', fileName);
  }
  if (!hasEndOfCentralDirectory(bytes)) {
    throw new LapeError('truncated', 'zip archive is truncated (no end-of-central-directory record)', fileName);
  }
  let files: Record<string, Uint8Array>;
  try {
    // First pass: the filter sees every entry's declared size and keeps none, so nothing inflates.
    let declared = 0;
    unzipSync(bytes, {
      filter: (entry) => {
        declared += entry.originalSize;
        if (declared > maxBytes) {
          throw new LapeError(
            'unsupported',
            `the archive declares more than ${mib(maxBytes)} of uncompressed data (${mib(declared)} up to entry "${entry.name}"), the limit for neuron and activation files. It is not a file that torch.save wrote for them (a zip bomb?); export the neurons again.`,
            fileName,
          );
        }
        return false;
      },
    });
    files = unzipSync(bytes);
  } catch (e) {
    if (e instanceof LapeError) throw e;
    throw new LapeError('corrupt', `zip archive is corrupted: ${(e as Error).message}`, fileName, { cause: e });
  }
  checkCrcs(bytes, files, fileName);
  return files;
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function hasEndOfCentralDirectory(b: Uint8Array): boolean {
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= stop; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return true;
  }
  return false;
}

/**
 * Compares each deflated entry with the CRC-32 its central-directory record declares. Stored
 * entries (all that torch.save writes) are copied as they are and cannot overflow; their damage
 * is left to the pickle and storage checks, which say more precisely what is wrong.
 */
function checkCrcs(bytes: Uint8Array, files: Record<string, Uint8Array>, fileName: string): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (dv.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let at = dv.getUint32(eocd + 16, true);
  const count = dv.getUint16(eocd + 10, true);
  const decoder = new TextDecoder();
  for (let i = 0; i < count && at + 46 <= bytes.length && dv.getUint32(at, true) === 0x02014b50; i++) {
    const deflated = dv.getUint16(at + 10, true) === 8;
    const crc = dv.getUint32(at + 16, true);
    const nameLength = dv.getUint16(at + 28, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const data = files[name];
    if (deflated && data !== undefined && crc32(data) !== crc) {
      throw new LapeError('corrupt', `zip entry "${name}" does not match its checksum (its data is damaged, or it inflates to more than the ${data.length} bytes it declares)`, fileName);
    }
    at += 46 + nameLength + dv.getUint16(at + 30, true) + dv.getUint16(at + 32, true);
  }
}

let crcTable: Uint32Array | undefined;

function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
