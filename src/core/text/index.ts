/**
 * Per-request text analysers of the engine (pure): the prompt view of a request body, fast
 * hashing, chain-of-thought elicitation, content category, template skeleton and MinHash.
 */
export { viewPrompt, type PromptView } from "./prompt.ts";
export { hash32, hash32Range, hashHex, hex32, fmix32, combine32 } from "./hash.ts";
export { cotElicitation, COT_THRESHOLD, COT_CUE_WEIGHTS, type CotResult } from "./cot.ts";
export { categorize, OTHER_BAR, type Category, type CategoryResult } from "./category.ts";
export { skeleton, SKELETON_MAX_CHARS, SLOT } from "./skeleton.ts";
export { minhash, lshBands, lshBandHashes, jaccardEstimate, DEFAULT_NUM_HASHES } from "./minhash.ts";
export { normalizeText } from "./normalize.ts";
