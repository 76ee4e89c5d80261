/** This plandb's version, recorded in the database's meta table by every writer and in cache entries. */
export const PLANDB_VERSION = '0.1.0';
