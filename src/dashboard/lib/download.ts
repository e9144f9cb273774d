/**
 * Saves a download made of text chunks. A link cannot carry the API key (never in a URL), so the
 * export is fetched with the Authorization header and handed to the browser as a Blob.
 */
export async function saveChunks(chunks: AsyncIterable<string>, filename: string, type: string): Promise<number> {
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    bytes += chunk.length;
  }
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; a later tick frees the Blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return bytes;
}
