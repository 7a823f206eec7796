/**
 * The seven languages of Tang et al. (2024), in the order of the reference project's neuron
 * files (`neuron[lang][layer]`). Defined here, in the contract, because every side needs it:
 * the corpus and the CLI as their default, the extension host (which imports only protocol) as
 * its preselection, and the `.pth` import to name the reference's lists.
 */
export const PAPER_LANGUAGES: readonly string[] = Object.freeze(['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']);
