import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import type { DataSource } from 'typeorm';
import { callerFromGateway } from '../../platform/auth';
import { config } from '../../platform/config';
import type { DocumentStore } from '../../platform/docstore';
import { AppError, notFound, unauthenticated } from '../../platform/errors';
import { sendFile, sendJson } from '../../platform/http';
import { checkSignedPath } from '../../platform/signed-url';
import { toDocument } from './resolvers/types';
import { BUCKET, upload } from './service';

interface Form {
  fields: Record<string, string>;
  file?: { name: string; mimeType: string; bytes: Buffer; truncated: boolean };
}

/** Reads a multipart form with one file, holding at most the size cap (plus one byte to see excess). */
function readForm(req: IncomingMessage, maxBytes: number): Promise<Form> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 10, fileSize: maxBytes + 1, fieldSize: 1000 },
      });
    } catch {
      reject(new AppError('BAD_USER_INPUT', 'expected a multipart/form-data body'));
      return;
    }
    const form: Form = { fields: {} };
    bb.on('field', (name, value) => {
      form.fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      let truncated = false;
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        truncated = true;
      });
      stream.on('close', () => {
        form.file = {
          name: info.filename ?? 'document',
          mimeType: info.mimeType,
          bytes: Buffer.concat(chunks),
          truncated,
        };
      });
    });
    bb.on('error', () => reject(new AppError('BAD_USER_INPUT', 'malformed multipart body')));
    bb.on('close', () => resolve(form));
    req.pipe(bb);
  });
}

/** POST /documents (upload) and GET /documents/{id}/content?expires&sig (signed download). */
export function documentRoutes(db: DataSource, store: () => Promise<DocumentStore>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/documents') {
      const caller = await callerFromGateway(req.headers, 'documents');
      if (!caller) throw unauthenticated();
      const max = config().DOCUMENT_MAX_BYTES;
      const form = await readForm(req, max);
      if (!form.file)
        throw new AppError('BAD_USER_INPUT', 'a file part named "file" is required', { field: 'file' });
      if (form.file.truncated) {
        throw new AppError('BAD_USER_INPUT', `the file is larger than ${max} bytes`, { field: 'file' });
      }
      const result = await upload(db, await store(), caller, {
        applicationId: form.fields.applicationId ?? '',
        type: form.fields.type ?? '',
        fileName: form.file.name,
        declaredType: form.file.mimeType,
        bytes: form.file.bytes,
      });
      return sendJson(res, result.duplicate ? 200 : 201, {
        duplicate: result.duplicate,
        document: toDocument(result.document),
      });
    }
    const match = /^\/documents\/([0-9a-f-]{36})\/content$/.exec(url.pathname);
    if (req.method === 'GET' && match?.[1]) {
      await callerFromGateway(req.headers, 'documents');
      const id = match[1];
      const check = checkSignedPath(url);
      if (check !== 'ok') throw new AppError('FORBIDDEN', `download link ${check}`);
      const [row] = await db.query(
        // A deleted document's links stop working with it, however long they had left.
        "SELECT storage_id, file_name, content_type FROM documents WHERE id = $1 AND status <> 'DELETED'",
        [id],
      );
      const file = row ? await (await store()).getFile(BUCKET, row.storage_id) : null;
      if (!file) throw new AppError('NOT_FOUND', 'document not found');
      return sendFile(res, { content: file.content, contentType: row.content_type, fileName: row.file_name });
    }
    throw notFound('route');
  };
}
