export async function scale() {
  throw new Error("not written yet");
}
