/** Reflected Castagnoli polynomial (RFC 3720 §B.4), the CRC Google reports as `dataCrc32c`. */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

let table: Uint32Array | undefined;

function buildTable(): Uint32Array {
  const built = new Uint32Array(256);
  for (let index = 0; index < 256; index++) {
    let crc = index;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1;
    built[index] = crc >>> 0;
  }
  return built;
}

/**
 * CRC32C (Castagnoli) of `data` as an unsigned 32-bit number; `crc32c("123456789") === 0xe3069283`.
 * Table-driven, one byte per step: a secret payload is a few hundred bytes, so no slicing-by-8 is needed.
 */
export function crc32c(data: Uint8Array): number {
  // Built on first use so importing the module does no work.
  table ??= buildTable();
  let crc = 0xffffffff;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
