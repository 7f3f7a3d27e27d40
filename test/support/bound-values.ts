import { types } from 'cassandra-driver';
import { BOUND_TYPES, boundValues, type BoundRow } from '../../src/cassandra/bound-row';
import type { CqlType } from '../../src/record/user-row';

// The driver's own decoder: what it reads back is what Cassandra receives from the encoded row.
const { Encoder } = require('cassandra-driver') as { Encoder: new (version: number, options: object) => { decode(buffer: Buffer, type: { code: number }): unknown } };
const encoder = new Encoder(types.protocolVersion.v4, {});
const CODES: Record<CqlType, number> = {
  uuid: types.dataTypes.uuid,
  text: types.dataTypes.varchar,
  double: types.dataTypes.double,
  timestamp: types.dataTypes.timestamp,
  int: types.dataTypes.int,
  bigint: types.dataTypes.bigint,
};

/** A bound row read back in the model's forms (uuid and bigint as strings, times as epoch ms), and its write time. */
export function decodeBoundRow(row: BoundRow): { values: unknown[]; writeTime: number } {
  const decoded = boundValues(row).map((bytes, i) => {
    const value = encoder.decode(bytes, { code: CODES[BOUND_TYPES[i]!] });
    if (value instanceof Date) return value.getTime();
    if (value instanceof types.Uuid || value instanceof types.Long) return value.toString();
    return value;
  });
  return { values: decoded.slice(0, -1), writeTime: Number(decoded[decoded.length - 1]) };
}
