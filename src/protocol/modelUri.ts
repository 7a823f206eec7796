const HF_URI = /^hf:[^/\s:]+\/\S+$/;
const HTTP_URL = /^https?:\/\/\S+$/;

/**
 * Checks a model URI before it reaches node-llama-cpp's downloader, so the input box can
 * say what is wrong while the user types. Undefined when it looks right.
 */
export function checkModelUri(uri: string): string | undefined {
  const trimmed = uri.trim();
  if (HF_URI.test(trimmed) || HTTP_URL.test(trimmed)) return undefined;
  return 'Expected a Hugging Face URI such as hf:owner/repo:Q4_K_M (or hf:owner/repo/file.gguf), or an https:// URL of a .gguf file.';
}
