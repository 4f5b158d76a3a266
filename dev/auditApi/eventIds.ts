// Event ids. Generated ids carry the index in their first 8 hex digits, so ids increase with the index
// and (time, id) order equals index order even where timestamps tie.
import { hash32, uuidFrom } from './random';

// Salts keep the different per-index hashes independent of each other.
const SALT_ID = [0x1d1, 0x1d2, 0x1d3];
const SALT_INSERTED = [0x15e1, 0x15e2, 0x15e3, 0x15e4];

/** The id of generated event `index`. */
export function generatedId(key: number, index: number): string {
  return uuidFrom(index, hash32(key, index, SALT_ID[0]), hash32(key, index, SALT_ID[1]), hash32(key, index, SALT_ID[2]));
}

/** The id of the `serial`-th event inserted by the mutate fault: all four words hashed, so it looks like any UUID. */
export function insertedId(key: number, serial: number): string {
  const [a, b, c, d] = SALT_INSERTED.map((salt) => hash32(key, serial, salt));
  return uuidFrom(a, b, c, d);
}
