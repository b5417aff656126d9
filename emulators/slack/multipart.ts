// Just enough multipart/form-data parsing to take a file out of an upload (the WebClient posts the
// bytes as a multipart part named "body").

/** One part of a multipart body. */
export interface Part {
  name: string | undefined;
  filename: string | undefined;
  data: Buffer;
}

/** The boundary of a multipart content type, if it is one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2]?.trim();
}

/** Splits a multipart body into parts; malformed sections are skipped. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const section = body.subarray(start + delimiter.length, next);
    const part = parsePart(section);
    if (part) parts.push(part);
    start = next;
  }
  return parts;
}

function parsePart(section: Buffer): Part | undefined {
  // A section is "\r\n<headers>\r\n\r\n<data>\r\n".
  const headerEnd = section.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const headers = section.subarray(0, headerEnd).toString('utf8');
  let data = section.subarray(headerEnd + 4);
  if (data.subarray(-2).toString('latin1') === '\r\n') data = data.subarray(0, -2);
  const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, filename, data };
}

/** The uploaded file: the first part with a filename, else the first part. */
export function filePart(body: Buffer, boundary: string): Buffer | undefined {
  const parts = parseMultipart(body, boundary);
  return (parts.find((p) => p.filename !== undefined) ?? parts[0])?.data;
}
