export async function workers() {
  throw new Error("not written yet");
}
