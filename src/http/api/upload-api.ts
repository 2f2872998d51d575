/**
 * XEP-0363: HTTP File Upload — https://xmpp.org/extensions/xep-0363.html
 * The HTTP side of a slot: PUT /upload/<token>/<name> stores the body (§6 Upload) and GET
 * /upload/<file id>/<name> serves it. Both are open: the random ids are the authorization (§2, §8),
 * and the core service checks them. Uploaded files are served so that they can never act on
 * Herald's origin: as attachments (unless a raster image), with nosniff and a sandboxing CSP.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { UPLOAD_PATH_PREFIX } from '../../core/files/upload-names.js';
import type { Download, UploadOutcome } from '../../core/files/upload-service.js';
import { uploadServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { httpRoutesKey } from '../http-routes.js';

interface UploadParams {
  readonly id: string;
  readonly name: string;
}

/** No script, style, frame or plugin of an uploaded file ever runs, and nothing may frame it. */
const DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** XEP-0363 is used by browser clients on other origins; the URLs carry no cookie or credential. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, PUT, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

type Refusal = Exclude<UploadOutcome, { ok: true }>['code'];

const REFUSALS: Record<Refusal, { status: number; error: string; message: string }> = {
  'unknown-slot': {
    status: 403,
    error: 'HERALD_ERR_FORBIDDEN',
    message: 'no such upload slot: unknown, expired or used',
  },
  'length-required': { status: 411, error: 'HERALD_ERR_VALIDATION', message: 'a Content-Length is required' },
  // §6: the service MUST reject the upload if the Content-Length does not match the slot's size.
  'size-mismatch': {
    status: 400,
    error: 'HERALD_ERR_VALIDATION',
    message: 'the body is not the size the slot was asked for',
  },
  'content-type-mismatch': {
    status: 415,
    error: 'HERALD_ERR_VALIDATION',
    message: 'the Content-Type is not the one the slot was asked for',
  },
  incomplete: { status: 400, error: 'HERALD_ERR_VALIDATION', message: 'the body ended early' },
};

export const uploadApiModule = defineModule({
  name: 'api-upload',
  description: 'The upload and download URLs of XMPP HTTP File Upload slots',
  specs: ['XEP-0363'],
  setup(ctx) {
    const uploads = ctx.use(uploadServiceKey);
    const routes = ctx.use(httpRoutesKey);
    const path = `${UPLOAD_PATH_PREFIX}/:id/:name`;
    routes.add({
      name: 'upload',
      authenticated: false,
      prefix: '',
      register(app) {
        // The body is the file: no parser reads it, the core service streams it to the store.
        app.removeAllContentTypeParsers();
        app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

        app.options(path, { schema: { hide: true } }, async (_request, reply) =>
          reply.headers(CORS).status(204).send(),
        );

        app.put<{ Params: UploadParams }>(path, { schema: { hide: true } }, async (request, reply) => {
          const outcome = await uploads.acceptUpload({
            token: request.params.id,
            filename: request.params.name,
            declaredSize: contentLength(request.headers['content-length']),
            contentType: request.headers['content-type'],
            content: request.raw,
          });
          void reply.headers(CORS);
          // §6: 201 tells the client the file can now be fetched from the GET URL.
          if (outcome.ok) return reply.status(201).send();
          const { status, error, message } = REFUSALS[outcome.code];
          // An unread body is not drained: the connection closes after the answer.
          if (!request.raw.readableEnded) void reply.header('connection', 'close');
          return reply.status(status).send({ error, message });
        });

        app.get<{ Params: UploadParams }>(path, { schema: { hide: true } }, async (request, reply) => {
          const download = await uploads.openDownload(request.params.id, request.params.name);
          if (!download)
            return reply.status(404).send({ error: 'HERALD_ERR_NOT_FOUND', message: 'no such file' });
          return sendDownload(reply.headers(CORS), download);
        });
      },
    });
    return () => routes.remove('upload');
  },
});

function sendDownload(reply: FastifyReply, download: Download): FastifyReply {
  void reply.headers({
    'content-type': download.contentType,
    'content-length': String(download.size),
    'content-disposition': contentDisposition(download),
    'x-content-type-options': 'nosniff',
    'content-security-policy': DOWNLOAD_CSP,
    // A file id names one upload forever: its bytes never change.
    'cache-control': 'private, max-age=31536000, immutable',
  });
  return reply.send(Readable.from(download.read()));
}

/**
 * RFC 6266: inline only for raster images, which browsers show and never run (SVG is an
 * attachment: it can hold script); the name as an ASCII fallback and as RFC 8187 UTF-8.
 */
function contentDisposition(download: Download): string {
  const isInline = download.contentType.startsWith('image/') && download.contentType !== 'image/svg+xml';
  const fallback = download.name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(download.name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16)}`,
  );
  return `${isInline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The Content-Length as a number (RFC 9110 §8.6: 1*DIGIT), or undefined if absent or malformed. */
function contentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,16}$/.test(header)) return undefined;
  const value = Number(header);
  return Number.isSafeInteger(value) ? value : undefined;
}
