/**
 * A minimal WebSocket client for the benchmark receivers: a plain TCP socket, the HTTP upgrade by
 * hand, and a frame walker that counts `~T` marks in the payload bytes where they lie, without
 * assembling messages or emitting an event per frame. With 10,000 members on a 2-core box the `ws`
 * client spent more CPU receiving than the servers spent sending, so the receivers, not the
 * servers, set the measured throughput and latency.
 *
 * `mode = 'full'` assembles each frame and hands it to `onMessage` (logins, joins, the sampled
 * sockets); `mode = 'count'` only counts frames and marks. Client frames are masked with a zero key
 * (valid per RFC 6455 and identical to no masking, so nothing is rewritten). Server pings are
 * answered; text frames of exactly "2" (Engine.IO ping) go to `onEngineIoPing`.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

const MARK = 0x7e; // '~'
const T = 0x54; // 'T'
/**
 * Every socket of the process reads into this one buffer (net's `onread` option): no Buffer
 * allocated and no stream 'data' event per read. Bytes kept past the callback are copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

export interface RawWsHandlers {
  onOpen(): void;
  onMessage(payload: Buffer): void;
  onClose(code: number): void;
  onEngineIoPing?(): void;
}

export class RawWs {
  mode: 'full' | 'count' = 'full';
  frames = 0;
  marks = 0;
  readonly #socket: Socket;
  readonly #h: RawWsHandlers;
  #open = false;
  #handshake = Buffer.alloc(0);
  #header = Buffer.alloc(0);
  /** Payload bytes of the current frame still to come; -1 between frames. */
  #left = -1;
  #opcode = 0;
  #length = 0;
  /** Chunks of the current frame's payload (full mode, control frames, one-byte frames). */
  #parts: Buffer[] = [];
  #collect = false;
  /** The previous payload byte was '~' (a mark may straddle two TCP chunks). */
  #tilde = false;
  #closed = false;

  constructor(port: number, path: string, handlers: RawWsHandlers) {
    this.#h = handlers;
    this.#socket = connect({
      port,
      host: '127.0.0.1',
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number) => {
          this.#onData(READ_BUFFER.subarray(0, n));
          return true;
        },
      },
    });
    this.#socket.on('connect', () => {
      this.#socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.#socket.on('close', () => this.#finish(1006));
    this.#socket.on('error', () => {});
  }

  send(text: string): void {
    this.#sendFrame(0x1, Buffer.from(text));
  }

  terminate(): void {
    this.#socket.destroy();
  }

  #sendFrame(opcode: number, payload: Buffer): void {
    const n = payload.length;
    const head = n < 126 ? Buffer.alloc(6) : n < 65536 ? Buffer.alloc(8) : Buffer.alloc(14);
    head[0] = 0x80 | opcode;
    if (n < 126) head[1] = 0x80 | n;
    else if (n < 65536) {
      head[1] = 0x80 | 126;
      head.writeUInt16BE(n, 2);
    } else {
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    // The mask key (last 4 header bytes) stays zero.
    this.#socket.write(Buffer.concat([head, payload]));
  }

  #finish(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#h.onClose(code);
  }

  #onData(chunk: Buffer): void {
    if (!this.#open) {
      const all = Buffer.concat([this.#handshake, chunk]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        this.#handshake = all;
        return;
      }
      if (!all.subarray(0, 12).toString('latin1').includes(' 101')) return this.#finish(1002);
      this.#open = true;
      this.#handshake = Buffer.alloc(0);
      this.#h.onOpen();
      chunk = all.subarray(end + 4);
    }
    let i = 0;
    while (i < chunk.length && !this.#closed) {
      if (this.#left < 0) {
        i = this.#readHeader(chunk, i);
        if (this.#left < 0) return; // header incomplete: wait for more bytes
        if (this.#left === 0) this.#endFrame();
        continue;
      }
      const end = Math.min(chunk.length, i + this.#left);
      if (this.#collect) this.#parts.push(Buffer.from(chunk.subarray(i, end)));
      else this.#countMarks(chunk, i, end);
      this.#left -= end - i;
      i = end;
      if (this.#left === 0) this.#endFrame();
    }
  }

  /** Parses a frame header at `i` (possibly continuing bytes kept from the last chunk). */
  #readHeader(chunk: Buffer, i: number): number {
    let buf = chunk;
    let at = i;
    if (this.#header.length > 0) {
      buf = Buffer.concat([this.#header, chunk.subarray(i)]);
      at = 0;
    }
    const avail = buf.length - at;
    if (avail < 2) return this.#keepHeader(buf, at, chunk);
    const b1 = buf[at + 1]! & 0x7f;
    const need = 2 + (b1 === 126 ? 2 : b1 === 127 ? 8 : 0);
    if (avail < need) return this.#keepHeader(buf, at, chunk);
    this.#opcode = buf[at]! & 0x0f;
    this.#length = b1 === 126 ? buf.readUInt16BE(at + 2) : b1 === 127 ? Number(buf.readBigUInt64BE(at + 2)) : b1;
    this.#left = this.#length;
    this.#tilde = false;
    this.#parts = [];
    // Control frames, one-byte frames (Engine.IO pings) and every frame in full mode are assembled.
    this.#collect = this.mode === 'full' || this.#opcode >= 0x8 || this.#length === 1;
    const consumed = need - this.#header.length;
    this.#header = Buffer.alloc(0);
    return i + consumed;
  }

  #keepHeader(buf: Buffer, at: number, chunk: Buffer): number {
    this.#header = Buffer.from(buf.subarray(at));
    return chunk.length;
  }

  #countMarks(buf: Buffer, start: number, end: number): void {
    if (start >= end) return;
    if (this.#tilde && buf[start] === T) this.marks++;
    let i = buf.indexOf(MARK, start);
    while (i >= 0 && i < end - 1) {
      if (buf[i + 1] === T) this.marks++;
      i = buf.indexOf(MARK, i + 1);
    }
    this.#tilde = buf[end - 1] === MARK;
  }

  #endFrame(): void {
    this.#left = -1;
    const op = this.#opcode;
    if (op === 0x8) {
      const p = Buffer.concat(this.#parts);
      return this.#finish(p.length >= 2 ? p.readUInt16BE(0) : 1005);
    }
    if (op === 0x9) return this.#sendFrame(0xa, Buffer.concat(this.#parts));
    if (op === 0xa) return;
    if (!this.#collect) {
      this.frames++;
      return;
    }
    const payload = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    // (parts are copies: the read buffer is reused)
    this.#parts = [];
    if (payload.length === 1 && payload[0] === 0x32 && this.#h.onEngineIoPing) return this.#h.onEngineIoPing();
    this.frames++;
    this.#countMarks(payload, 0, payload.length);
    this.#tilde = false;
    if (this.mode === 'full') this.#h.onMessage(payload);
  }
}
