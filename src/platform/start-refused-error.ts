// The refusals of `esa start` that are the user's to fix (data dir busy, unsafe permissions):
// printed as one line with exit status 2, never as a stack trace.
export class StartRefusedError extends Error {}
