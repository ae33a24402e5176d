// Counts as the appliance prints them: thousands separators (`1,234`), no fraction.

export function formatCount(n: number): string {
  return Math.trunc(n).toLocaleString('en-US');
}
