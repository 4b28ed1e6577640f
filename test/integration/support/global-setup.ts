/** Placeholder: the moto deployment is set up here (see test/integration/README). */
export default async function setup(): Promise<void> {}
