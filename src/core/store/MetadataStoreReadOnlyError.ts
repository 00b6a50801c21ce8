/** A write was attempted on a store opened with `readOnly: true`. */
export class MetadataStoreReadOnlyError extends Error {
  constructor(
    readonly storePath: string,
    readonly operation: string,
  ) {
    super(
      `Cannot ${operation}: the metadata store ${storePath} is open read-only (another Dagstream scheduler holds the workspace's lock, or it was opened for reading). Make the change through the running scheduler, or stop it and try again.`,
    );
    this.name = 'MetadataStoreReadOnlyError';
  }
}
