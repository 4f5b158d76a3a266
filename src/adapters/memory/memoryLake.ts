import { ExportError } from '../../errors';
import type { LakeWriter } from '../../ports/lakeWriter';
import { FaultInjector } from './faults';

type Opts = { abortSignal: AbortSignal };

interface Staged {
  position: number;
  data: Buffer;
}

interface MemoryFile {
  committed: Buffer;
  /** Appended but not yet flushed, oldest first. */
  staged: Staged[];
  /** Written by another API (the Blob API): the dfs API cannot extend it at any position (409 InvalidFlushOperation). */
  foreign?: boolean;
}

interface FileSystem {
  name: string;
  exists: boolean;
  files: Map<string, MemoryFile>;
}

/**
 * An in-memory LakeWriter with the rules of the dfs API as AdlsLakeWriter meets them through the local gateway
 * (dev/dfs/append.ts, flushPlan.ts): create never truncates; an append stages bytes at a position, invisibly; a
 * flush commits exactly up to a position only when staged bytes run contiguously from the committed length to it,
 * and drops every other staged byte. Errors carry the ExportError codes the Azure adapter gives.
 */
export class MemoryLake implements LakeWriter {
  readonly faults: FaultInjector;
  private readonly store: FileSystem;

  /** `store` is for connect(): a new lake starts empty, its file system named `fileSystem` (default "audit-output"). */
  constructor(options: { faults?: FaultInjector; fileSystem?: string } = {}, store?: FileSystem) {
    this.faults = options.faults ?? new FaultInjector();
    this.store = store ?? { name: options.fileSystem ?? 'audit-output', exists: true, files: new Map() };
  }

  private get files(): Map<string, MemoryFile> {
    return this.store.files;
  }

  /** Another writer over the same files, with faults of its own: a second process. */
  connect(options: { faults?: FaultInjector } = {}): MemoryLake {
    return new MemoryLake(options, this.store);
  }

  createFile(path: string, { abortSignal }: Opts): Promise<{ created: boolean }> {
    return this.faults.run({ port: 'lake', name: 'createFile', path }, abortSignal, () => {
      this.checkFileSystem(`create ${path}`);
      if (this.files.has(path)) return { created: false };
      this.files.set(path, { committed: Buffer.alloc(0), staged: [] });
      return { created: true };
    });
  }

  async append(path: string, data: Buffer, position: number, { abortSignal }: Opts): Promise<void> {
    if (data.length === 0) throw new ExportError('EmptyAppend', `append to ${path} with no data`, { kind: 'permanent' });
    const what = `append to ${path} at ${position}`;
    checkPosition(position, what);
    // Copied now: like a request body, the bytes are gone once append() returns, and callers reuse their buffers.
    const bytes = Buffer.from(data);
    return this.faults.run({ port: 'lake', name: 'append', path, position, length: data.length }, abortSignal, () => {
      const file = this.file(path, what);
      if (file.foreign) throw foreign(what);
      if (position < file.committed.length) throw mismatch(what);
      file.staged.push({ position, data: bytes });
    });
  }

  async flush(path: string, position: number, { abortSignal }: Opts): Promise<void> {
    const what = `flush ${path} at ${position}`;
    checkPosition(position, what);
    return this.faults.run({ port: 'lake', name: 'flush', path, position }, abortSignal, () => {
      const file = this.file(path, what);
      if (file.foreign) throw foreign(what);
      if (position < file.committed.length) throw mismatch(what);
      const chain = contiguous(file.staged, file.committed.length, position);
      if (!chain) throw mismatch(what); // staged bytes stay for a flush at the right position
      file.committed = Buffer.concat([file.committed, ...chain.map((s) => s.data)]);
      file.staged = []; // retainUncommittedData=false
    });
  }

  // ---- for tests: what storage holds, read and changed out of band (no faults, no rules) ----

  /** The committed bytes of `path` (a copy), or undefined if there is no such file. Staged bytes are not visible. */
  read(path: string): Buffer | undefined {
    const file = this.files.get(path);
    return file && Buffer.from(file.committed);
  }

  /** Every file's path, sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** The ranges appended to `path` and not yet flushed or dropped, oldest first. */
  staged(path: string): Array<{ position: number; length: number }> {
    return (this.files.get(path)?.staged ?? []).map((s) => ({ position: s.position, length: s.data.length }));
  }

  /** Replaces a file's content, as another tool writing the file would; its staged bytes are dropped. */
  put(path: string, data: Buffer): void {
    this.files.set(path, { committed: Buffer.from(data), staged: [] });
  }

  /** Writes a file through another API (the Blob API), as a tool other than the exporter would. */
  putForeign(path: string, data: Buffer): void {
    this.files.set(path, { committed: Buffer.from(data), staged: [], foreign: true });
  }

  /** Deletes a file, as an operator might. */
  delete(path: string): boolean {
    return this.files.delete(path);
  }

  /** Deletes the file system with every file in it, as an operator might; `recreate` makes it again, empty. */
  deleteFileSystem({ recreate }: { recreate: boolean }): void {
    this.files.clear();
    this.store.exists = recreate;
  }

  private checkFileSystem(what: string): void {
    if (this.store.exists) return;
    const message = `${what}: 404 FilesystemNotFound: the file system "${this.store.name}" does not exist; create it, or fix ADLS_FILE_SYSTEM`;
    throw new ExportError('FileSystemNotFound', message, { kind: 'permanent' });
  }

  private file(path: string, what: string): MemoryFile {
    this.checkFileSystem(what);
    const file = this.files.get(path);
    if (!file) throw new ExportError('PathNotFound', `${what}: 404 PathNotFound`, { kind: 'permanent' });
    return file;
  }
}

function mismatch(what: string): ExportError {
  return new ExportError('FlushPositionMismatch', `${what}: 400 InvalidFlushPosition`, { kind: 'conflict' });
}

function foreign(what: string): ExportError {
  return new ExportError('FlushPositionMismatch', `${what}: 409 InvalidFlushOperation`, { kind: 'conflict' });
}

/** What the gateway answers for a position that is not a whole number of bytes (400 InvalidQueryParameterValue). */
function checkPosition(position: number, what: string): void {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new ExportError('StorageError', `${what}: 400 InvalidQueryParameterValue`, { kind: 'permanent' });
  }
}

/**
 * Staged appends that cover [from, to) end to end, or undefined. As the gateway's planFlush: appends before `from`
 * are ignored, one may not reach past `to`, and at an offset staged more than once the latest is tried first.
 * Depth-first with dead ends remembered, iterative so that thousands of appends cannot overflow the stack.
 */
function contiguous(staged: Staged[], from: number, to: number): Staged[] | undefined {
  const byOffset = new Map<number, Staged[]>();
  for (const s of staged) {
    if (s.position < from) continue;
    const list = byOffset.get(s.position) ?? [];
    list.unshift(s);
    byOffset.set(s.position, list);
  }
  const deadEnds = new Set<number>();
  const path: Staged[] = [];
  const tried: number[] = [0];
  let offset = from;
  for (;;) {
    if (offset === to) return path;
    const candidates = byOffset.get(offset) ?? [];
    const depth = tried.length - 1;
    const i = candidates.findIndex((s, k) => k >= tried[depth]! && offset + s.data.length <= to && !deadEnds.has(offset + s.data.length));
    if (i >= 0) {
      tried[depth] = i + 1;
      path.push(candidates[i]!);
      tried.push(0);
      offset += candidates[i]!.data.length;
      continue;
    }
    deadEnds.add(offset);
    tried.pop();
    const last = path.pop();
    if (!last) return undefined;
    offset -= last.data.length;
  }
}
