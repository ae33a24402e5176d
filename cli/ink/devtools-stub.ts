// Stands in for react-devtools-core in the bundled shell (scripts/bundle-shell.mjs): Ink
// connects to React DevTools only when DEV=true, which the appliance shell never sets.
export default {
  initialize(): void {},
  connectToDevTools(): void {},
};
