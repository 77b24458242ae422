export async function webhooks() {
  throw new Error("not written yet");
}
