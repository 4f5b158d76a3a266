import { createHash, type Hash } from 'node:crypto';
import type { ManifestRange } from '../manifest/manifest';

/** A first or last line longer than this is not kept (its id is not read): memory stays bounded whatever the file. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NL = 0x0a;

export interface ScanResult {
  length: number;
  /** Newlines: one per event. */
  lines: number;
  endsWithNewline: boolean;
  /** The first and last complete lines, without "\n"; 'long' past MAX_LINE_BYTES; undefined with no line. */
  firstLine?: Buffer | 'long';
  lastLine?: Buffer | 'long';
  /** sha256 of each range, in the order given; undefined for one the file ends inside or before. */
  rangeSha: Array<string | undefined>;
}

/**
 * Reads a file once, chunk by chunk: hashes each byte range as it passes, counts lines, keeps the first and last
 * line. Holds no more than the current chunk and two lines. `ranges` must run contiguously from 0.
 */
export class FileScan {
  readonly #ranges: readonly ManifestRange[];
  readonly #sha: Array<string | undefined>;
  #r = 0;
  #hash: Hash = createHash('sha256');
  #pos = 0;
  #lines = 0;
  #lastByte = -1;
  #first: Buffer[] | undefined = [];
  #firstBytes = 0;
  #firstLine: Buffer | 'long' | undefined;
  /** Bytes since the last newline (the line being read); undefined once it grew past MAX_LINE_BYTES. */
  #pending: Buffer[] | undefined = [];
  #pendingBytes = 0;
  #lastLine: Buffer | 'long' | undefined;

  constructor(ranges: readonly ManifestRange[]) {
    this.#ranges = ranges;
    this.#sha = ranges.map(() => undefined);
    this.#closeEmptyRanges();
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#hashRanges(chunk);
    for (let i = chunk.indexOf(NL); i >= 0; i = chunk.indexOf(NL, i + 1)) this.#lines++;
    this.#keepFirst(chunk);
    this.#keepLast(chunk);
    this.#lastByte = chunk[chunk.length - 1]!;
  }

  finish(): ScanResult {
    return {
      length: this.#pos,
      lines: this.#lines,
      endsWithNewline: this.#lastByte === NL,
      firstLine: this.#firstLine,
      lastLine: this.#lastLine,
      rangeSha: this.#sha,
    };
  }

  #hashRanges(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.#r < this.#ranges.length) {
      const take = Math.min(chunk.length - at, this.#ranges[this.#r]!.to - this.#pos);
      this.#hash.update(chunk.subarray(at, at + take));
      at += take;
      this.#pos += take;
      this.#closeEmptyRanges();
    }
    this.#pos += chunk.length - at;
  }

  /** Finishes every range that ends where the scan stands. */
  #closeEmptyRanges(): void {
    while (this.#r < this.#ranges.length && this.#ranges[this.#r]!.to <= this.#pos) {
      this.#sha[this.#r++] = this.#hash.digest('hex');
      this.#hash = createHash('sha256');
    }
  }

  #keepFirst(chunk: Buffer): void {
    if (!this.#first) return;
    const nl = chunk.indexOf(NL);
    const part = nl < 0 ? chunk : chunk.subarray(0, nl);
    this.#firstBytes += part.length;
    if (this.#firstBytes > MAX_LINE_BYTES) {
      this.#first = undefined;
      this.#firstLine = 'long';
      return;
    }
    this.#first.push(part);
    if (nl >= 0) {
      this.#firstLine = Buffer.concat(this.#first);
      this.#first = undefined;
    }
  }

  #keepLast(chunk: Buffer): void {
    const nl = chunk.lastIndexOf(NL);
    if (nl < 0) return this.#grow(chunk);
    const before = nl > 0 ? chunk.lastIndexOf(NL, nl - 1) : -1;
    if (before >= 0) this.#lastLine = chunk.subarray(before + 1, nl);
    else {
      this.#grow(chunk.subarray(0, nl));
      this.#lastLine = this.#pending ? Buffer.concat(this.#pending) : 'long';
    }
    // Kept as a view of the chunk: the chunk is freed once the next newline passes.
    this.#pending = [chunk.subarray(nl + 1)];
    this.#pendingBytes = chunk.length - nl - 1;
  }

  #grow(part: Buffer): void {
    if (!this.#pending) return;
    this.#pendingBytes += part.length;
    if (this.#pendingBytes > MAX_LINE_BYTES) this.#pending = undefined;
    else this.#pending.push(part);
  }
}
