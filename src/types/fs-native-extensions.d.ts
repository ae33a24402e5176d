// Types for fs-native-extensions (it ships none): the kernel file locks the data dir lock uses.
declare module 'fs-native-extensions' {
  /** Takes an exclusive (or shared) lock on the open file without waiting; false when another holds it. */
  export function tryLock(fd: number, offset?: number, length?: number, opts?: { shared?: boolean }): boolean;
  export function tryLock(fd: number, opts?: { shared?: boolean }): boolean;
  export function unlock(fd: number, offset?: number, length?: number): void;
  const fsx: { tryLock: typeof tryLock; unlock: typeof unlock };
  export default fsx;
}
