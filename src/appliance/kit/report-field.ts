// The label column of the appliance's reports (`status`, `tophosts`, `version`, ...):
// values start at the same place in every one of them.

export const FIELD_WIDTH = 31;

/** `Status as of:` padded to where its value starts. */
export const field = (label: string): string => label.padEnd(FIELD_WIDTH);
