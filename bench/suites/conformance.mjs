export async function conformance() {
  throw new Error("not written yet");
}
