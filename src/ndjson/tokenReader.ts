import { Byte, closerOf, isDigit, isEscaped, isHex, isPlainInString, isWs, SeparatorLength } from './bytes';
import { ExportError } from '../errors';

/** Retryable: the page is asked for again. */
export class PageSyntaxError extends ExportError {
  /** `offset`: where in the page body the problem was found. */
  constructor(message: string, readonly offset: number) {
    super('InvalidPage', `${message} at byte ${offset}`, { kind: 'retryable' });
    this.name = 'PageSyntaxError';
  }
}

/** flush() copies runs of at most this many bytes by hand: below it, a loop costs less than a call to copy(). */
const enum ShortRun {
  MaxBytes = 32,
}

/**
 * Reads the JSON tokens of a page body, and moves the bytes of the hit being read into its NDJSON line as it goes:
 * whitespace outside strings left out, U+2028/9 escaped. The lines are written in the body itself, behind the read
 * position: a page spends at least one byte outside its hits per hit ('[' or ','), which pays for that hit's "\n".
 * Only escaping U+2028/9 can need more room (see lineSep()). Every method fails with PageSyntaxError.
 */
export class TokenReader {
  protected readonly n: number;
  /** Where lines are written: the body itself until a U+2028/9 escape needs more room. */
  protected out: Buffer;
  /** Where the first line starts in `out`; -1 before the first hit. */
  protected outBase = -1;
  protected outPos = 0;
  /** Start of the current hit's bytes not yet copied to `out`; -1 outside hits (nothing is written). */
  protected runStart = -1;
  /** Index of the hit being read, for messages; -1 outside hits. */
  protected hit = -1;
  /** Closing byte of each container open inside value(). */
  private readonly stack: number[] = [];

  constructor(protected readonly b: Buffer) {
    this.n = b.length;
    this.out = b;
  }

  /** An object key at i, validated; returns its end. */
  protected keyToken(i: number): number {
    if (this.b[i] !== Byte.Quote) this.fail('expected a "quoted" object key', i);
    return this.string(i);
  }

  /** After an object key that ends at i: skips the ":" and whitespace; returns where the value starts. */
  protected colon(i: number): number {
    i = this.ws(i);
    if (this.b[i] !== Byte.Colon) this.fail('expected ":" after an object key', i);
    return this.ws(i + 1);
  }

  /** Any JSON value at i; returns its end. An explicit stack, not recursion, so deep nesting cannot overflow. */
  protected value(i: number): number {
    const { b, stack } = this;
    const base = stack.length;
    for (;;) {
      const c = b[i];
      if (c === Byte.Quote) i = this.string(i);
      else if (c === Byte.Minus || isDigit(c)) i = this.number(i);
      else if (c === Byte.OpenBrace || c === Byte.OpenBracket) {
        const close = closerOf(c);
        i = this.ws(i + 1);
        if (b[i] === close) i++;
        else {
          stack.push(close);
          if (close === Byte.CloseBrace) i = this.colon(this.keyToken(i));
          continue; // to the first element
        }
      } else {
        const word = c === Byte.LowerT ? 'true' : c === Byte.LowerF ? 'false' : 'null';
        if (!this.is(i, i + word.length, word)) this.fail('expected a value', i);
        i += word.length;
      }
      // A value ended: close the containers it completes, or go on to the next element.
      for (;;) {
        if (stack.length === base) return i;
        i = this.ws(i);
        const close = stack[stack.length - 1];
        if (b[i] === close) {
          stack.pop();
          i++;
        } else if (b[i] === Byte.Comma) {
          i = this.ws(i + 1);
          if (close === Byte.CloseBrace) i = this.colon(this.keyToken(i));
          break;
        } else this.fail(close === Byte.CloseBrace ? 'expected "," or "}"' : 'expected "," or "]"', i);
      }
    }
  }

  /**
   * The string whose opening quote is at i; returns the index after its closing quote. A raw U+2028/9 inside is
   * moved into the line escaped (inside a hit), or with `refuseSeparators` ends the scan with -1.
   */
  protected string(i: number, refuseSeparators = false): number {
    const { b, n } = this;
    for (i++; i < n; i++) {
      // The hot loop. Only '"', '\', control characters and the lead byte of U+2028/9 need a closer look.
      while (isPlainInString(b[i]!)) i++;
      const c = b[i]!;
      if (c === Byte.Quote) return i + 1;
      if (c === Byte.Backslash) {
        const e = b[++i];
        if (e === Byte.LowerU) {
          if (!(isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]))) this.fail('bad \\u escape', i - 1);
          i += 4; // lone surrogates are valid JSON, kept as sent
        } else if (!isEscaped(e)) this.fail('bad escape in string', i - 1);
      } else if (c < Byte.Space) this.fail('raw control character in string', i);
      else if (b[i + 1] === Byte.SeparatorMiddle && (b[i + 2] === Byte.LineSeparatorLast || b[i + 2] === Byte.ParagraphSeparatorLast)) {
        if (refuseSeparators) return -1;
        if (this.runStart >= 0) this.lineSep(i);
        i += SeparatorLength.Raw - 1; // the loop steps over its last byte
      }
    }
    return this.fail('unterminated string', i);
  }

  /** -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? at i; returns its end. */
  protected number(i: number): number {
    const b = this.b;
    if (b[i] === Byte.Minus) i++;
    if (b[i] === Byte.Zero) {
      i++;
      if (isDigit(b[i])) this.fail('leading zero in number', i - 1);
    } else if (isDigit(b[i])) while (isDigit(b[++i]));
    else this.fail('expected a digit', i);
    if (b[i] === Byte.Dot) {
      if (!isDigit(b[++i])) this.fail('expected a digit after "."', i);
      while (isDigit(b[++i]));
    }
    if (b[i] === Byte.LowerE || b[i] === Byte.UpperE) {
      i++;
      if (b[i] === Byte.Plus || b[i] === Byte.Minus) i++;
      if (!isDigit(b[i])) this.fail('expected a digit in the exponent', i);
      while (isDigit(b[++i]));
    }
    return i;
  }

  /** Skips whitespace. Inside a hit it is left out of the line: copy what came before it, restart after it. */
  protected ws(i: number): number {
    if (!isWs(this.b[i])) return i;
    if (this.runStart >= 0) this.flush(i);
    while (isWs(this.b[++i]));
    if (this.runStart >= 0) this.runStart = i;
    return i;
  }

  /** Where b[i], inside the current hit, lands in the lines (from outBase): the pending run moves unchanged. */
  protected lineAt(i: number): number {
    return this.outPos + (i - this.runStart) - this.outBase;
  }

  /** The string token that ends at b[end] and starts at line position `at`, unescaped from its line. */
  protected movedToken(at: number, end: number): string {
    this.flush(end);
    return JSON.parse(this.out.toString('utf8', at + this.outBase, this.outPos)) as string;
  }

  /** Whether b[i..end) is exactly the ASCII text `s`. */
  protected is(i: number, end: number, s: string): boolean {
    let k = 0;
    if (end - i === s.length) while (k < s.length && this.b[i + k] === s.charCodeAt(k)) k++;
    return k === s.length;
  }

  /**
   * Moves the pending run b[runStart..end) into the line: nothing to do when it is already in place; short runs
   * (between whitespace) by hand, cheaper than a call. In place the copy goes backwards in the buffer (memmove).
   */
  protected flush(end: number): void {
    const { b, out } = this;
    let k = this.runStart;
    let o = this.outPos;
    if (out === b && o === k) o = end;
    else if (end - k <= ShortRun.MaxBytes) while (k < end) out[o++] = b[k++];
    else if (out === b) {
      b.copyWithin(o, k, end);
      o += end - k;
    } else o += b.copy(out, o, k, end);
    this.outPos = o;
    this.runStart = end;
  }

  /** U+2028/9 at i (SeparatorLength.Raw bytes) becomes the SeparatorLength.Escaped ASCII bytes \u2028 / \u2029. */
  private lineSep(i: number): void {
    this.flush(i);
    // In place, the escape must not reach bytes not read yet: else the lines move to a buffer of their own, sized
    // for the worst case (every remaining byte doubling), so it never has to grow again.
    if (this.out === this.b && this.outPos + SeparatorLength.Escaped > i + SeparatorLength.Raw) {
      const own = Buffer.allocUnsafe(this.outPos - this.outBase + SeparatorLength.Growth * (this.n - i) + SeparatorLength.Escaped);
      this.b.copy(own, 0, this.outBase, this.outPos);
      this.outPos -= this.outBase;
      this.outBase = 0;
      this.out = own;
    }
    this.outPos += this.out.write(this.b[i + 2] === Byte.LineSeparatorLast ? '\\u2028' : '\\u2029', this.outPos, 'latin1');
    this.runStart = i + SeparatorLength.Raw;
  }

  protected fail(what: string, at: number, showFound = true): never {
    const c = this.b[at];
    const found = !showFound ? '' : at >= this.n ? '; found end of input' : `; found '${String.fromCharCode(c)}' (0x${c.toString(16)})`;
    throw new PageSyntaxError(`${this.hit >= 0 ? `hit ${this.hit}: ` : ''}${what}${found}`, at);
  }
}
