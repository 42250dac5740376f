import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";

/** A multipart/form-data body with one file, read from disk as it is sent, with its length known up front. */
export interface MultipartBody {
  contentType: string;
  length: number;
  /** A fresh stream of the body each time (a retried request sends it again). */
  open(): ReadableStream<Uint8Array>;
}

export async function multipartFile(field: string, path: string, onProgress?: (sent: number, total: number) => void): Promise<MultipartBody> {
  const size = (await stat(path)).size;
  const boundary = `maestro-${randomUUID().replaceAll("-", "")}`;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${basename(path).replaceAll('"', "")}"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const length = head.length + size + tail.length;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    open() {
      let sent = 0;
      const file = createReadStream(path, { highWaterMark: 64 * 1024 });
      const report = (chunk: Uint8Array) => {
        sent += chunk.length;
        onProgress?.(sent, length);
        return chunk;
      };
      return new ReadableStream<Uint8Array>({
        async start(controller) {
          try {
            controller.enqueue(report(head));
            for await (const chunk of file) controller.enqueue(report(chunk as Uint8Array));
            controller.enqueue(report(tail));
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
        cancel() {
          file.destroy();
        },
      });
    },
  };
}
