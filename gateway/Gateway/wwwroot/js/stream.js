// Server-streaming calls through gRPC JSON transcoding: the response body is a sequence of JSON objects
// (newline-delimited; a JSON array is read just as well). EventSource cannot send a bearer token, so this
// reads fetch()'s ReadableStream and parses objects as their last byte arrives.
import { ApiError, describeStatus, session } from './api.js';

const SUBSCRIBED_AFTER_MS = 2000;

/** Incremental parser: push(text) returns the complete top-level objects seen so far. */
export class JsonObjectStream {
  constructor() {
    this.buffer = '';
    this.scanned = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.start = -1;
  }

  push(text) {
    this.buffer += text;
    const objects = [];
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
        } else if (c === '\\') {
          this.escaped = true;
        } else if (c === '"') {
          this.inString = false;
        }
        continue;
      }
      if (c === '"') {
        this.inString = true;
      } else if (c === '{' || c === '[') {
        if (c === '{' && this.depth === 0) {
          this.start = i;
        }
        // A top-level '[' (a JSON array of messages) is a separator, not nesting.
        if (this.depth > 0 || c === '{') {
          this.depth++;
        }
      } else if (c === '}' || c === ']') {
        if (this.depth > 0) {
          this.depth--;
          if (this.depth === 0 && c === '}') {
            objects.push(JSON.parse(this.buffer.slice(this.start, i + 1)));
            this.start = -1;
          }
        }
      }
    }
    if (this.depth === 0 && !this.inString) {
      this.buffer = '';
      this.scanned = 0;
    } else if (this.start >= 0) {
      // Keep only the unfinished object.
      this.buffer = this.buffer.slice(this.start);
      this.scanned = this.buffer.length;
      this.start = 0;
    }
    return objects;
  }
}

/**
 * Reads a server stream until it ends or `signal` aborts; calls onMessage for each object.
 * Rejects with ApiError when the call is refused.
 */
export async function readStream(path, { signal, onMessage, onOpen }) {
  // Transcoding sends the response headers with the first message, so a quiet stream looks like a request
  // still waiting. Refusals (401, 403, 501, 502) come back at once; a request still open after a moment has
  // been accepted by the service, so it counts as subscribed.
  let opened = false;
  const open = () => {
    if (!opened) {
      opened = true;
      onOpen?.();
    }
  };
  const pending = setTimeout(open, SUBSCRIBED_AFTER_MS);
  let response;
  try {
    response = await fetch(path, {
      headers: { accept: 'application/json', authorization: `Bearer ${session.token}` },
      signal,
      cache: 'no-store',
    });
  } finally {
    clearTimeout(pending);
  }
  if (!response.ok || !response.body) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw new ApiError(response.status, body, describeStatus(response.status));
  }
  open();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new JsonObjectStream();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    for (const message of parser.push(value)) {
      // A google.rpc.Status written into the stream is how transcoding reports an error after the start.
      if (message && typeof message.code === 'number' && 'message' in message && !message.violation) {
        throw new ApiError(500, message, message.message);
      }
      onMessage(message);
    }
  }
}

/**
 * Keeps a server stream open: reconnects with back-off after an end or an error, until stop() is called.
 * onState('live' | 'connecting' | 'error', detail).
 */
export function keepStreaming(path, { onMessage, onState }) {
  const controller = new AbortController();
  let attempt = 0;
  (async () => {
    while (!controller.signal.aborted) {
      onState('connecting', attempt === 0 ? '' : `重连 reconnecting (${attempt})`);
      try {
        await readStream(path, {
          signal: controller.signal,
          onMessage,
          onOpen: () => {
            attempt = 0;
            onState('live', '');
          },
        });
        onState('connecting', '连接已结束 stream ended');
      } catch (error) {
        if (controller.signal.aborted) {
          return;
        }
        onState('error', error.message);
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          return;
        }
      }
      attempt++;
      const delay = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, delay);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  })();
  return { stop: () => controller.abort() };
}
