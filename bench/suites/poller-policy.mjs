export async function pollerPolicy() {
  throw new Error("not written yet");
}
