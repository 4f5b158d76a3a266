// Block ids of gateway-staged blocks carry their byte range, so all append/flush state can be read
// back from Azurite's block list. Fixed width: Azure (and Azurite) require equal-length ids per blob.
const PREFIX = 'dfsgw:';
const WIDTH = 16; // decimal digits: covers any Number.MAX_SAFE_INTEGER offset
const PATTERN = /^dfsgw:(\d{16}):(\d{16})$/;

export interface BlockRange {
  position: number;
  length: number;
}

export function encodeBlockId(position: number, length: number): string {
  if (!Number.isSafeInteger(position) || position < 0 || !Number.isSafeInteger(length) || length <= 0) {
    throw new RangeError(`invalid block range ${position}+${length}`);
  }
  const text = `${PREFIX}${String(position).padStart(WIDTH, '0')}:${String(length).padStart(WIDTH, '0')}`;
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The range a gateway block id encodes, or undefined for ids written by anyone else. */
export function decodeBlockId(id: string): BlockRange | undefined {
  const match = PATTERN.exec(Buffer.from(id, 'base64').toString('utf8'));
  if (!match) return undefined;
  const range = { position: Number(match[1]), length: Number(match[2]) };
  // Only the canonical spelling counts (base64 decoding is lenient).
  if (range.length <= 0 || !Number.isSafeInteger(range.position) || encodeBlockId(range.position, range.length) !== id) {
    return undefined;
  }
  return range;
}
